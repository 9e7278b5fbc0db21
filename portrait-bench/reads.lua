-- wrk script for run-reads.sh: GET /v1/profiles/user_id/{id} over the ids the ingest acknowledged (file in $IDS),
-- each thread with its own seeded generator so two runs read the same people in the same order.
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("seed", 42 + counter)
end

local ids = {}
for line in io.lines(os.getenv("IDS")) do
    ids[#ids + 1] = line
end
local auth = os.getenv("READ_AUTH")

function init(args)
    math.randomseed(seed)
end

function request()
    return wrk.format("GET", "/v1/profiles/user_id/" .. ids[math.random(#ids)], { Authorization = auth })
end

local statuses = {}
function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    io.write(string.format("wrk: %d requests, %d connect/read/write/timeout errors, %d non-2xx/3xx\n",
        summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        summary.errors.status))
    for _, p in pairs({ 50, 90, 99, 99.9 }) do
        io.write(string.format("wrk latency p%s: %.3f ms\n", p, latency:percentile(p) / 1000))
    end
    io.write(string.format("wrk latency max: %.3f ms\n", latency.max / 1000))
end
