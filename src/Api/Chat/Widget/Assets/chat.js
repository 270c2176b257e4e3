// The chat widget: a visitor talks to the assistant (and to an agent after a handoff); with ?agent,
// staff sign in, take sessions from the waiting queue and reply. Vanilla JS, no build step; live
// updates come over the SignalR hub, the REST API stays the source of truth.
(function () {
  "use strict";

  var HUB_PATH = "/hubs/chat";
  var VISITOR_KEY = "crm-chat-session";
  var AGENT_KEY = "crm-chat-agent";

  var $ = function (id) { return document.getElementById(id); };

  // ---- shared helpers -------------------------------------------------------------------------

  function apiError(response, body) {
    var detail = body && (body.detail || body.title);
    var error = new Error(detail || ("Request failed (" + response.status + ")"));
    error.status = response.status;
    return error;
  }

  async function api(method, path, body, headers) {
    var init = { method: method, headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var response = await fetch(path, init);
    var text = await response.text();
    var json = null;
    if (text) {
      try { json = JSON.parse(text); } catch (e) { json = null; }
    }
    if (!response.ok) {
      throw apiError(response, json);
    }
    return json;
  }

  function showError(element, error) {
    if (!error) {
      element.hidden = true;
      element.textContent = "";
      return;
    }
    element.textContent = error.message || String(error);
    element.hidden = false;
  }

  function load(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(key, value) {
    if (value === null) { sessionStorage.removeItem(key); } else { sessionStorage.setItem(key, JSON.stringify(value)); }
  }

  function authorName(message) {
    return message.author_name || message.agent_name || message.author || message.name || null;
  }

  function sessionOf(payload) {
    return payload && (payload.session_id || payload.sessionId || payload.id);
  }

  // A transcript list that renders each message once, whether it arrives over the hub or a reload.
  function Transcript(list, labels) {
    this.list = list;
    this.labels = labels;
    this.seen = new Set();
  }

  Transcript.prototype.key = function (m) {
    return m.id ? "id:" + m.id : [m.role, m.at, m.text].join("|");
  };

  Transcript.prototype.clear = function () {
    this.list.textContent = "";
    this.seen.clear();
  };

  Transcript.prototype.add = function (m) {
    var key = this.key(m);
    if (this.seen.has(key)) {
      return;
    }
    this.seen.add(key);
    this.removePending(m);
    var item = document.createElement("li");
    var role = m.role || "system";
    item.className = "msg " + role;
    var label = this.labels(m);
    if (label) {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = label;
      item.appendChild(who);
    }
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = m.text || "";
    item.appendChild(text);
    if (m.at) {
      item.title = new Date(m.at).toLocaleString();
    }
    this.list.appendChild(item);
    this.list.scrollTop = this.list.scrollHeight;
  };

  Transcript.prototype.addAll = function (messages) {
    (messages || []).forEach(this.add, this);
  };

  // Shown at once while the request is on its way; replaced by the stored message.
  Transcript.prototype.addPending = function (role, text) {
    var item = document.createElement("li");
    item.className = "msg " + role + " pending";
    item.dataset.pending = text;
    var span = document.createElement("span");
    span.className = "text";
    span.textContent = text;
    item.appendChild(span);
    this.list.appendChild(item);
    this.list.scrollTop = this.list.scrollHeight;
  };

  Transcript.prototype.removePending = function (m) {
    var items = this.list.querySelectorAll("li.pending");
    for (var i = 0; i < items.length; i++) {
      if (items[i].dataset.pending === m.text) {
        items[i].remove();
        return;
      }
    }
  };

  Transcript.prototype.clearPending = function () {
    this.list.querySelectorAll("li.pending").forEach(function (item) { item.remove(); });
  };

  function connect(url, options, handlers) {
    // WebSockets straight away, without the negotiate round trip: behind a load balancer without
    // sticky sessions the negotiate request and the connection could land on different silos.
    options.skipNegotiation = true;
    options.transport = signalR.HttpTransportType.WebSockets;
    var connection = new signalR.HubConnectionBuilder()
      .withUrl(url, options)
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    Object.keys(handlers).forEach(function (name) {
      if (name !== "reconnected") { connection.on(name, handlers[name]); }
    });
    if (handlers.reconnected) { connection.onreconnected(handlers.reconnected); }
    return connection;
  }

  // ---- visitor ----------------------------------------------------------------------------------

  function visitor() {
    var panel = $("visitor");
    var status = $("visitor-status");
    var form = $("visitor-form");
    var input = $("visitor-input");
    var suggestions = $("visitor-suggestions");
    var error = $("visitor-error");
    var session = null;
    var agentName = null;
    var transcript = new Transcript($("visitor-transcript"), function (m) {
      if (m.role === "user") { return "You"; }
      if (m.role === "bot") { return "Assistant"; }
      if (m.role === "agent") { return authorName(m) || "Agent"; }
      return null;
    });
    panel.hidden = false;

    function headers() {
      return { "X-Chat-Token": session.token };
    }

    function setStatus(value, assignedAgentName) {
      if (assignedAgentName) { agentName = assignedAgentName; }
      var closed = value === "closed";
      form.querySelector("button").disabled = closed;
      input.disabled = closed;
      if (value === "waiting_for_agent") {
        status.textContent = "Waiting for an agent";
      } else if (value === "with_agent" || value === "assigned" || value === "agent") {
        status.textContent = (agentName || "An agent") + " joined";
      } else if (closed) {
        status.textContent = "This conversation has ended";
        suggest([]);
      } else {
        status.textContent = "You're chatting with our assistant";
      }
    }

    function suggest(list) {
      suggestions.textContent = "";
      (list || []).forEach(function (text) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = text;
        button.addEventListener("click", function () { send(text); });
        suggestions.appendChild(button);
      });
    }

    function applySession(data) {
      transcript.addAll(data.messages);
      var lastAgent = (data.messages || []).filter(function (m) { return m.role === "agent"; }).pop();
      setStatus(data.status, data.assigned_agent_name || (lastAgent && authorName(lastAgent)));
    }

    async function refresh() {
      applySession(await api("GET", "/api/chat/sessions/" + encodeURIComponent(session.id), undefined, headers()));
    }

    async function open() {
      var stored = load(VISITOR_KEY);
      if (stored && stored.id && stored.token) {
        session = stored;
        try {
          await refresh();
          return;
        } catch (e) {
          // Expired or unknown: start over with a new session.
          session = null;
          save(VISITOR_KEY, null);
          transcript.clear();
        }
      }
      var timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
      var created = await api("POST", "/api/chat/sessions", { time_zone: timeZone });
      session = { id: created.id, token: created.session_token };
      save(VISITOR_KEY, session);
      applySession(created);
      suggest(created.suggestions);
    }

    async function send(text) {
      text = (text || "").trim();
      if (!text || !session) { return; }
      showError(error, null);
      suggest([]);
      transcript.addPending("user", text);
      try {
        var result = await api("POST", "/api/chat/sessions/" + encodeURIComponent(session.id) + "/messages", { text: text }, headers());
        suggest(result.suggestions);
        // The stored transcript (with times and ids) replaces the pending bubble and adds the reply.
        await refresh();
      } catch (e) {
        transcript.clearPending();
        showError(error, e);
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      input.value = "";
      send(text);
      input.focus();
    });

    async function live() {
      var url = HUB_PATH + "?chat_token=" + encodeURIComponent(session.token) + "&session_id=" + encodeURIComponent(session.id);
      var connection = connect(url, {}, {
        message: function (m) {
          if (sessionOf(m) && sessionOf(m) !== session.id) { return; }
          transcript.add(m);
          if (m.role === "agent" && authorName(m)) { agentName = authorName(m); }
        },
        status: function (s) {
          if (sessionOf(s) && sessionOf(s) !== session.id) { return; }
          setStatus(s.status, s.assigned_agent_name);
          // The event carries the agent's id only; the session names them.
          refresh().catch(function (e) { showError(error, e); });
        },
        reconnected: function () {
          connection.invoke("JoinSession", session.id).then(refresh).catch(function (e) { showError(error, e); });
        },
      });
      await connection.start();
      await connection.invoke("JoinSession", session.id);
      // Anything said between the first load and joining the group.
      await refresh();
    }

    open()
      .then(live)
      .then(function () { panel.dataset.ready = "true"; })
      .catch(function (e) {
        status.textContent = "Chat is unavailable right now";
        showError(error, e);
      });
  }

  // ---- agent ------------------------------------------------------------------------------------

  function agent() {
    var panel = $("agent");
    var loginForm = $("login-form");
    var consolePanel = $("console");
    var who = $("agent-who");
    var error = $("agent-error");
    var queue = $("queue");
    var queueEmpty = $("queue-empty");
    var sessionPanel = $("session");
    var sessionStatus = $("session-status");
    var replyForm = $("agent-form");
    var replyInput = $("agent-input");
    var auth = load(AGENT_KEY);
    var connection = null;
    var current = null;
    var transcript = new Transcript($("agent-transcript"), function (m) {
      if (m.role === "user") { return "Visitor"; }
      if (m.role === "bot") { return "Assistant"; }
      if (m.role === "agent") { return authorName(m) || "Agent"; }
      return null;
    });
    panel.hidden = false;

    function headers() {
      return { Authorization: "Bearer " + auth.token };
    }

    function guard(promise) {
      return promise.then(function () { showError(error, null); }, function (e) {
        if (e.status === 401) { signOut(); }
        showError(error, e);
      });
    }

    function describe(item) {
      var who = item.owner_name || "Visitor";
      var last = item.last_message;
      return last && last.text ? who + ": " + last.text : who;
    }

    function renderList(list, empty, items, actionLabel, action) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.sessionId = item.id;
        var preview = document.createElement("span");
        preview.className = "preview";
        preview.textContent = describe(item);
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = actionLabel;
        button.setAttribute("aria-label", actionLabel + " conversation: " + preview.textContent);
        button.addEventListener("click", function () { guard(action(item.id)); });
        li.appendChild(preview);
        li.appendChild(button);
        list.appendChild(li);
      });
      empty.hidden = items.length > 0;
    }

    function itemsOf(data) {
      return Array.isArray(data) ? data : (data.items || []);
    }

    // The waiting queue, and the conversations this agent already has (to resume after a reload).
    async function loadQueue() {
      var waiting = api("GET", "/api/chat/sessions?status=waiting_for_agent", undefined, headers());
      var mine = auth.id
        ? api("GET", "/api/chat/sessions?status=with_agent&assigned_agent_id=" + encodeURIComponent(auth.id), undefined, headers())
        : Promise.resolve([]);
      renderList(queue, queueEmpty, itemsOf(await waiting), "Take", takeSession);
      renderList($("mine"), $("mine-empty"), itemsOf(await mine), "Open", openSession);
    }

    function setSessionStatus(value) {
      var text = {
        waiting_for_agent: "Waiting for an agent",
        with_agent: "You are chatting with the visitor",
        closed: "Closed",
      }[value] || value;
      sessionStatus.textContent = text || "";
      var closed = value === "closed";
      replyInput.disabled = closed;
      replyForm.querySelector("button").disabled = closed;
    }

    async function openSession(id) {
      current = id;
      transcript.clear();
      sessionPanel.hidden = false;
      if (connection) { await connection.invoke("JoinSession", id); }
      var data = await api("GET", "/api/chat/sessions/" + encodeURIComponent(id), undefined, headers());
      transcript.addAll(data.messages);
      setSessionStatus(data.status);
      replyInput.focus();
    }

    async function takeSession(id) {
      await api("POST", "/api/chat/sessions/" + encodeURIComponent(id) + "/assign", {}, headers());
      await openSession(id);
      await loadQueue();
    }

    async function leave(action) {
      if (!current) { return; }
      await api("POST", "/api/chat/sessions/" + encodeURIComponent(current) + "/" + action, {}, headers());
      current = null;
      sessionPanel.hidden = true;
      transcript.clear();
      await loadQueue();
    }

    replyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = replyInput.value.trim();
      if (!text || !current) { return; }
      replyInput.value = "";
      var id = current;
      transcript.addPending("agent", text);
      guard(api("POST", "/api/chat/sessions/" + encodeURIComponent(id) + "/agent-messages", { text: text }, headers())
        .then(function () { return api("GET", "/api/chat/sessions/" + encodeURIComponent(id), undefined, headers()); })
        .then(function (data) { if (current === id) { transcript.addAll(data.messages); } })
        .catch(function (e) { transcript.clearPending(); throw e; }));
    });

    $("release").addEventListener("click", function () { guard(leave("release")); });
    $("close").addEventListener("click", function () { guard(leave("close")); });

    async function live() {
      connection = connect(HUB_PATH, { accessTokenFactory: function () { return auth.token; } }, {
        message: function (m) {
          if (current && sessionOf(m) === current) { transcript.add(m); }
        },
        status: function (s) {
          if (current && sessionOf(s) === current) { setSessionStatus(s.status); }
          if (s.assigned_agent_id === auth.id || s.status === "closed") { guard(loadQueue()); }
        },
        // A session entered or left the queue: the list endpoint is the truth.
        queue: function () { guard(loadQueue()); },
        reconnected: function () {
          guard(connection.invoke("JoinAgents").then(function () {
            return current ? connection.invoke("JoinSession", current) : null;
          }).then(loadQueue));
        },
      });
      await connection.start();
      await connection.invoke("JoinAgents");
    }

    function signOut() {
      save(AGENT_KEY, null);
      auth = null;
      if (connection) { connection.stop(); connection = null; }
      current = null;
      consolePanel.hidden = true;
      sessionPanel.hidden = true;
      loginForm.hidden = false;
      who.textContent = "";
    }

    async function start() {
      loginForm.hidden = true;
      consolePanel.hidden = false;
      who.textContent = "Signed in as " + (auth.name || auth.email);
      await live();
      await loadQueue();
      panel.dataset.ready = "true";
    }

    loginForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var email = $("login-email").value.trim();
      var password = $("login-password").value;
      guard(api("POST", "/api/auth/login", { email: email, password: password }).then(function (result) {
        var user = result.user || {};
        auth = { token: result.access_token, id: user.id, name: user.name, email: user.email || email };
        save(AGENT_KEY, auth);
        $("login-password").value = "";
        return start();
      }));
    });

    $("sign-out").addEventListener("click", signOut);

    if (auth && auth.token) {
      guard(start());
    }
  }

  if (new URLSearchParams(location.search).has("agent")) {
    agent();
  } else {
    visitor();
  }
})();
