-- wrk script for the FCFS surge (tests/bench.py runs it as `wrk -t N -c N`, one connection per
-- thread, so each thread is one applicant client working through its own list in a closed loop).
-- args[1]: the plan file, one line per client: "<token> <id>:<idempotency key> <id>:<key> ...".
-- Each thread prints "client-done <ok> <submitted> <reserve> <other>" when its list is finished,
-- then stops; the bench ends wrk (SIGINT) once every client has reported.

local clients = {}
local next_client = 1

function setup(thread)
   if #clients == 0 then
      local plan = assert(io.open(os.getenv("BENCH_WRK_PLAN"), "r"))
      for line in plan:lines() do
         if #line > 0 then
            clients[#clients + 1] = line
         end
      end
      plan:close()
   end
   thread:set("client", clients[next_client] or "")
   next_client = next_client + 1
end

local token, queue, position, answered = nil, {}, 0, 0
local ok, submitted, reserve, other = 0, 0, 0, 0

function init(args)
   local words = {}
   for word in string.gmatch(client, "%S+") do
      words[#words + 1] = word
   end
   token = words[1]
   for i = 2, #words do
      local id, key = string.match(words[i], "^(%d+):(%S+)$")
      queue[#queue + 1] = wrk.format("POST", "/api/v1/applications/" .. id .. "/submit/", {
         ["Authorization"] = "Token " .. token,
         ["Idempotency-Key"] = key,
         ["Content-Length"] = "0",
      })
   end
end

function request()
   -- A dropped connection makes wrk ask again: the same request (same Idempotency-Key) goes out,
   -- so a retry replays the first answer instead of submitting twice.
   position = math.min(answered + 1, #queue)
   return queue[position]
end

function response(status, headers, body)
   answered = answered + 1
   if status == 200 then
      ok = ok + 1
      if string.find(body, '"status":"submitted"', 1, true) then
         submitted = submitted + 1
      elseif string.find(body, '"status":"reserve"', 1, true) then
         reserve = reserve + 1
      end
   else
      other = other + 1
      if other == 1 then  -- the first refusal per client, for the bench log
         io.write(string.format("client-error %d %s\n", status, string.sub(body, 1, 200)))
      end
   end
   if answered >= #queue then
      io.write(string.format("client-done %d %d %d %d\n", ok, submitted, reserve, other))
      io.stdout:flush()
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   io.write(string.format(
      "wrk-summary %d %d %d %d %d %d %d\n",
      summary.requests,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.errors.status,
      latency:percentile(50),
      latency:percentile(99),
      latency.max,
      summary.duration
   ))
   io.stdout:flush()
end
