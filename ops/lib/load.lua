-- wrk script for ops/bench.sh: one bearer token per wrk thread (one simulated user per
-- connection when threads = connections), an optional body from a file, an optional cap on
-- responses per thread, and a JSON summary line on stdout (prefixed BENCH_JSON).
--
-- Environment: BENCH_TOKENS (file, one token a line), BENCH_METHOD (default GET),
-- BENCH_BODY (file), BENCH_CONTENT_TYPE, BENCH_MAX_PER_THREAD (0: no cap),
-- BENCH_COLLECT_IDS=1 to keep the `"id":"..."` of each 200 answer (claim exactness),
-- BENCH_DONE_FILE: each thread that reaches its cap appends a line to it (wrk itself runs
-- until its deadline: the caller interrupts it once every thread is done).

local threads = {}
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  tokens[#tokens + 1] = line
end
local next_token = 1

function setup(thread)
  thread:set("token", tokens[(next_token - 1) % #tokens + 1])
  thread:set("id", next_token)
  next_token = next_token + 1
  threads[#threads + 1] = thread
end

local max_per_thread = tonumber(os.getenv("BENCH_MAX_PER_THREAD") or "0")
local collect_ids = os.getenv("BENCH_COLLECT_IDS") == "1"
local request_bytes

function init(args)
  statuses = {}
  ids = {}
  answered = 0
  local headers = { ["Authorization"] = "Bearer " .. token }
  local body = nil
  local body_file = os.getenv("BENCH_BODY")
  if body_file and body_file ~= "" then
    local f = assert(io.open(body_file, "rb"))
    body = f:read("*a")
    f:close()
    headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
  end
  request_bytes = wrk.format(os.getenv("BENCH_METHOD") or "GET", nil, headers, body)
end

function request()
  return request_bytes
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if collect_ids and status == 200 then
    local id = string.match(body, '"id"%s*:%s*"([0-9a-f%-]+)"')
    if id then ids[#ids + 1] = id end
  end
  answered = answered + 1
  if max_per_thread > 0 and answered >= max_per_thread then
    local done_file = os.getenv("BENCH_DONE_FILE")
    if done_file and done_file ~= "" then
      local f = assert(io.open(done_file, "a"))
      f:write("done\n")
      f:close()
    end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local merged, seen, doubles, distinct = {}, {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
    if collect_ids then
      for _, id in ipairs(thread:get("ids")) do
        if seen[id] then doubles = doubles + 1 else seen[id] = true; distinct = distinct + 1 end
      end
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    parts[#parts + 1] = string.format('"%d":%d', status, n)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,' ..
    '"max_ms":%.2f,"status":{%s},"socket_errors":%d,"timeouts":%d,' ..
    '"distinct_ids":%d,"double_ids":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    table.concat(parts, ","), e.connect + e.read + e.write, e.timeout, distinct, doubles))
end
