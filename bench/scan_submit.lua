-- wrk script for bench/scan_submit.sh: POSTs the bodies of $BENCH_BODIES (one JSON body a line) round
-- robin to the URL given to wrk, with `Authorization: Token $BENCH_TOKEN` when set and a fresh
-- Idempotency-Key on every request; at the end prints one JSON line with the figures.
local bodies = {}
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = (os.getenv("BENCH_KEY_PREFIX") or "wrk") .. "-" .. tostring(os.time()) .. "-"
local counter = 0
statuses = {}  -- per thread; gathered in done() through setup's thread handles
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

for line in io.lines(os.getenv("BENCH_BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept-Language"] = "zh-hans",
    ["Idempotency-Key"] = prefix .. counter,
  }
  if token ~= "" then headers["Authorization"] = "Token " .. token end
  return wrk.format("POST", nil, headers, bodies[(counter - 1) % #bodies + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "rps": %.1f, "p50": %.1f, "p99": %.1f, "max": %.1f, ' ..
    '"errors": %d, "statuses": {%s}}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status +
    summary.errors.timeout, table.concat(parts, ", ")))
end
