-- wrk script: POST a new infection entry with a fresh client id per request, or GET a path.
-- Environment: BENCH_METHOD (POST|GET), BENCH_TOKEN (X-Session-Token, optional), BENCH_ONSET,
-- BENCH_PATHS (optional, space-separated: each request goes to one of them, chosen at random, so
-- the load is many families' phones, not one diary written to 50 times at once).
local method = os.getenv("BENCH_METHOD") or "POST"
local token = os.getenv("BENCH_TOKEN")
local onset = os.getenv("BENCH_ONSET") or "2026-01-01"
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
  table.insert(paths, path)
end
local counter = 0
local thread_seed = 0

function setup(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  local headers = { ["Content-Type"] = "application/json" }
  if token and token ~= "" then
    headers["X-Session-Token"] = token
  end
  local path = nil
  if #paths > 0 then
    path = paths[math.random(#paths)]
  end
  if method == "GET" then
    return wrk.format("GET", path, headers, nil)
  end
  counter = counter + 1
  local body = string.format(
    '{"id": "%s", "kind": "upper_respiratory", "onset": "%s", "severity": "mild"}',
    uuid4(),
    onset
  )
  return wrk.format("POST", path, headers, body)
end

-- One machine-readable line for bench/prod.py.
function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format(
    "BENCH {\"requests\": %d, \"seconds\": %.3f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"non2xx\": %d, \"socket_errors\": %d}\n",
    summary.requests,
    summary.duration / 1e6,
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
