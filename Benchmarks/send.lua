-- wrk script for the send-throughput benchmark: every request is a real message from a customer
-- into their conversation, round-robin over the first PAIRS lines of the token file written by
-- `parley seed --realtime-pairs N --tokens FILE`.
--   wrk -t2 -c64 -d10s -s Benchmarks/send.lua URL -- TOKENS_FILE PAIRS
local conversations = {}
local counter = 0
local thread_id = 0
local threads = 1
local non_created = 0

function setup(thread)
  thread:set("thread_id", threads_started or 0)
  threads_started = (threads_started or 0) + 1
end

function init(args)
  local limit = tonumber(args[2]) or 64
  for line in io.lines(args[1]) do
    local id, token = line:match("^(%d+)\t([^\t]+)\t")
    if id then table.insert(conversations, { path = "/api/v1/chat-sessions/" .. id .. "/messages", token = token }) end
    if #conversations >= limit then break end
  end
  threads = tonumber(args[3]) or 2
end

function request()
  counter = counter + 1
  local conversation = conversations[((counter * threads + thread_id) % #conversations) + 1]
  return wrk.format("POST", conversation.path, {
    ["Authorization"] = "Bearer " .. conversation.token,
    ["Content-Type"] = "application/json",
  }, '{"body":"How long does delivery take to Lisbon?"}')
end

function response(status, headers, body)
  if status ~= 201 then non_created = non_created + 1 end
end

function done(summary, latency, requests)
  io.write(string.format(
    "sent %d messages in %.1f s: %.0f/s; latency ms p50 %.2f, p90 %.2f, p99 %.2f, max %.2f; errors %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout))
end
