-- One wrk script for every scenario, chosen by environment variables (wrk gives scripts no arguments
-- before init, and every thread runs its own copy of this file):
--   MODE     get | put | mixed | post | list | chat | chatmix | login | flood | warm
--            (chatmix: each thread walks its share of the sessions round robin, each session through CHAT_SCRIPT:
--             openers only the embedding model understands, then slot answers, yes/no and commands the rules decide)
--            (flood: wrong-password logins spread over 256 unknown emails; done() also counts 401/429/503)
--   TOKEN    bearer token (all but login)
--   IDS      file of ids (lead ids for get/put/mixed/warm, chat session ids for chat); ID_LIMIT uses the first N
--   LIST_PATH  path and query of the list scenario
--   LOGIN_BODY JSON body of the login scenario
--   WRITE_PERCENT share of writes in mixed (default 20)
--   THREADS, WARM_MARKER  warm: wrk's thread count; files <WARM_MARKER>.<thread> mark each slice done
-- done() prints one line "RESULT {json}" with counts and latency percentiles in microseconds.
local mode = os.getenv("MODE") or "get"
local token = os.getenv("TOKEN")
local ids_path = os.getenv("IDS")
local id_limit = tonumber(os.getenv("ID_LIMIT") or "0")
local list_path = os.getenv("LIST_PATH") or "/api/leads?status=qualified&sort=-created_at&limit=50"
local login_body = os.getenv("LOGIN_BODY") or "{}"
local write_percent = tonumber(os.getenv("WRITE_PERCENT") or "20")

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local ids = {}
local cursor, slice_end, slice_left = 0, 0, 0
local counter = 0

function init(args)
  local index = thread_index or 0
  math.randomseed(os.time() + index * 7919)
  if ids_path then
    for line in io.lines(ids_path) do
      if #line > 0 then
        ids[#ids + 1] = line
        if id_limit > 0 and #ids >= id_limit then break end
      end
    end
  end
  -- warm walks the ids in order, each of the THREADS threads its own slice, to activate every grain
  -- once; the thread stops when its slice has been answered.
  local thread_total = tonumber(os.getenv("THREADS") or "2")
  cursor = math.floor(#ids * index / thread_total)
  slice_end = math.floor(#ids * (index + 1) / thread_total)
  slice_left = slice_end - cursor
  wrk.headers["Content-Type"] = "application/json"
  if token then wrk.headers["Authorization"] = "Bearer " .. token end
end

-- A conversation as a signed-in customer types it; "M" marks the turns that need the embedding model.
local chat_script = {
  "hiya, anyone there?",                                           -- M greeting
  "what are you good for",                                         -- M help (the rules know "what can you do" now)
  "can we have a quick chat over video",                           -- M book_meeting: asks the start
  "tomorrow at 3pm",                                               -- slot answer: confirmation
  "no",                                                            -- deny at the confirmation
  "friday at 10am",                                                -- correction: confirmation again
  "cancel",                                                        -- drops the booking
  "I'd like to open a ticket",                                     -- rules: asks the description
  "the export button does nothing when I click it",                -- slot answer: confirmation
  "cancel",
}
local chat_positions = {}
local chat_next = 0

local function chat_mix()
  -- This thread's slice of the sessions, round robin: a session's next message goes out long after its last answer.
  local first = math.floor(#ids * (thread_index or 0) / 2) + 1
  local last = math.floor(#ids * ((thread_index or 0) + 1) / 2)
  local id = ids[first + chat_next % (last - first + 1)]
  chat_next = chat_next + 1
  local position = chat_positions[id] or 0
  chat_positions[id] = position + 1
  local text = chat_script[position % #chat_script + 1]
  return wrk.format("POST", "/api/chat/sessions/" .. id .. "/messages", nil, '{"text":"' .. text .. '"}')
end

local function random_id()
  return ids[math.random(#ids)]
end

local function get_lead()
  return wrk.format("GET", "/api/leads/" .. random_id())
end

local function update_lead()
  counter = counter + 1
  return wrk.format("PATCH", "/api/leads/" .. random_id(), nil,
    string.format('{"notes":"bench update %d-%d"}', thread_index or 0, counter))
end

function request()
  if mode == "get" then
    return get_lead()
  elseif mode == "warm" then
    cursor = cursor + 1
    if cursor > slice_end then cursor = slice_end end
    return wrk.format("GET", "/api/leads/" .. ids[cursor])
  elseif mode == "put" then
    return update_lead()
  elseif mode == "mixed" then
    if math.random(100) <= write_percent then return update_lead() end
    return get_lead()
  elseif mode == "post" then
    counter = counter + 1
    -- One lead in 25 at an "Orbital" company, as in the seeded leads (2 companies of 50), so the POST scenario
    -- leaves the share of leads the list q scenario matches (~4%) as it was.
    local company = (counter % 25 == 0) and "Orbital Dynamics" or string.format("Bench Company %d", counter % 24)
    return wrk.format("POST", "/api/leads", nil, string.format(
      '{"name":"Bench Lead %d-%d","company":"%s","source":"event","notes":"created by the benchmark"}',
      thread_index or 0, counter, company))
  elseif mode == "list" then
    return wrk.format("GET", list_path)
  elseif mode == "chat" then
    return wrk.format("POST", "/api/chat/sessions/" .. random_id() .. "/messages", nil,
      '{"text":"What are your opening hours?"}')
  elseif mode == "chatmix" then
    return chat_mix()
  elseif mode == "login" then
    return wrk.format("POST", "/api/auth/login", nil, login_body)
  elseif mode == "flood" then
    counter = counter + 1
    return wrk.format("POST", "/api/auth/login", nil, string.format(
      '{"email":"flood-%d@bench.test","password":"wrong-password-%d-%d"}', math.random(256), thread_index or 0, counter))
  end
  error("unknown MODE " .. mode)
end

if mode == "warm" then
  function response(status, headers, body)
    slice_left = slice_left - 1
    if slice_left == 0 then
      -- wrk runs for its whole duration anyway: the harness interrupts it once every thread marked its slice done.
      local marker = io.open((os.getenv("WARM_MARKER") or "/tmp/wrk-warm") .. "." .. (thread_index or 0), "w")
      if marker then marker:close() end
      wrk.thread:stop()
    end
  end
end

-- Globals, not locals: done() reads each thread's counts with thread:get.
status_401, status_429, status_503 = 0, 0, 0
if mode == "flood" then
  function response(status, headers, body)
    if status == 401 then status_401 = status_401 + 1
    elseif status == 429 then status_429 = status_429 + 1
    elseif status == 503 then status_503 = status_503 + 1 end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local s401, s429, s503 = 0, 0, 0
  for _, thread in ipairs(threads) do
    s401 = s401 + (thread:get("status_401") or 0)
    s429 = s429 + (thread:get("status_429") or 0)
    s503 = s503 + (thread:get("status_503") or 0)
  end
  io.write(string.format(
    'RESULT {"status_401":%d,"status_429":%d,"status_503":%d,"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    s401, s429, s503, summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
