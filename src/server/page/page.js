/* The person's page (SPEC section 9).  Reads its token from the URL
 * fragment (#token=...), which browsers never send to a server, and talks
 * only to the /v1/me endpoints of the server it came from.  No framework:
 * every element is built with textContent, never innerHTML, so nothing a
 * post says can become markup. */
"use strict";
(function () {
  var token = (new URLSearchParams(location.hash.slice(1))).get("token") || "";
  var app = document.getElementById("app");
  var statusEl = document.getElementById("status");

  var VERDICT = {
    included: "May be used to train AI",
    deleted: "Not used: the post or your account was deleted",
    no_policy: "Not used: no AI-training policy applies at this time",
    too_old: "Not used: written before the date from which posts are used",
    minor: "Not used: you were under the minimum age when you wrote it",
    region_excluded: "Not used: posts from your region are never used",
    not_public: "Not used: the post, its conversation or your account is not public",
    signal: "Not used: it carries a \u201cnot for AI\u201d label that the policy respects",
    objected: "Not used: you objected",
    no_consent: "Not used: you have not agreed to it",
    mentioned: "Not used: it mentions someone who objected"
  };
  var CHECK = {
    deleted: "Not deleted", no_policy: "A policy applies", too_old: "Recent enough",
    minor: "Written as an adult", region_excluded: "Region allowed", not_public: "Public",
    signal: "No \u201cnot for AI\u201d label", objected: "No objection", no_consent: "Consent where needed",
    mentioned: "Mentions no one who objected"
  };
  var MODE = {
    opt_out: "In your region you can object. If you object, your posts stay out of every corpus built after that.",
    opt_in: "In your region your posts are used only if you agree.",
    no_choice: "In your region you cannot choose: the platform\u2019s terms let it use your public posts.",
    excluded: "Posts from your region are never used."
  };
  var MODE_LINKED = {
    opt_out: "There you can object, and your choice covers all your accounts.",
    opt_in: "There its posts are used only if you agree, and your choice covers all your accounts.",
    no_choice: "There you cannot choose.",
    excluded: "Posts from there are never used."
  };
  var COLORS = {
    included: "#00703c", objected: "#d4351c", no_consent: "#942514", deleted: "#505a5f", not_public: "#1d70b8",
    too_old: "#6f72af", minor: "#912b88", region_excluded: "#f47738", signal: "#b58840", mentioned: "#d53880",
    no_policy: "#b1b4b6"
  };

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (attrs[k] === null || attrs[k] === undefined) continue;
      if (k === "text") el.textContent = attrs[k];
      else if (k === "on") for (var ev in attrs.on) el.addEventListener(ev, attrs.on[ev]);
      else el.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }
  function svg(tag, attrs) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    return el;
  }
  function day(ts) {
    if (!ts) return "";
    var d = new Date(ts);
    return isNaN(d) ? ts : d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function say(msg) { statusEl.textContent = msg; }

  function api(method, path, body) {
    var init = { method: method, headers: { "Authorization": "Bearer " + token }, cache: "no-store" };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    return fetch(path, init).then(function (r) {
      return r.text().then(function (t) {
        var js = null;
        try { js = t ? JSON.parse(t) : null; } catch (e) { js = null; }
        return { status: r.status, json: js, text: t };
      });
    });
  }

  var state = { me: null, posts: [], next: null, allPosts: null };

  // The person's view: the token's account's report (/v1/me) with what
  // belongs to the whole person summed over all its accounts' reports
  // (/v1/me?user=ACCOUNT): the counts of posts, the corpora that hold them,
  // the notices, the mentions. Region and mode stay per account; the
  // preference is the person's.
  function personView(me, accounts) {
    var v = {};
    for (var k in me) v[k] = me[k];
    v.accounts = accounts;
    if (accounts.length < 2) return v;
    var posts = { considered: 0, included: 0, excluded: {} }, snaps = {}, order = [], mentioned = { considered: 0, excluded: 0 };
    v.optout_notices = [];
    accounts.forEach(function (a) {
      posts.considered += a.posts.considered;
      posts.included += a.posts.included;
      for (var r in a.posts.excluded) posts.excluded[r] = (posts.excluded[r] || 0) + a.posts.excluded[r];
      (a.snapshots || []).forEach(function (s) {
        if (!snaps[s.name]) { snaps[s.name] = { name: s.name, at: s.at, posts: 0 }; order.push(s.name); }
        snaps[s.name].posts += s.posts;
      });
      v.optout_notices = v.optout_notices.concat(a.optout_notices || []);
      if (a.mentioned_by_others) {
        mentioned.considered += a.mentioned_by_others.considered;
        mentioned.excluded += a.mentioned_by_others.excluded;
      }
      if (a.honoured) v.honoured = true;
    });
    v.posts = posts;
    v.snapshots = order.map(function (n) { return snaps[n]; });
    v.mentioned_by_others = mentioned;
    return v;
  }

  // The mode the choice button acts in: the token's account's when it lets
  // people choose, else that of a linked account that does (one preference
  // covers the person, SPEC 4).
  function choiceMode(v) {
    if (v.mode === "opt_out" || v.mode === "opt_in") return v.mode;
    var modes = v.accounts.map(function (a) { return a.mode; });
    return modes.indexOf("opt_out") >= 0 ? "opt_out" : modes.indexOf("opt_in") >= 0 ? "opt_in" : v.mode;
  }

  function loadMe() {
    return api("GET", "/v1/me").then(function (r) {
      if (r.status !== 200) return r;
      var others = (r.json.person || []).filter(function (u) { return u !== r.json.user; });
      return Promise.all(others.map(function (u) { return api("GET", "/v1/me?user=" + encodeURIComponent(u)); })).then(function (rs) {
        var accounts = [r.json].concat(rs.filter(function (x) { return x.status === 200; }).map(function (x) { return x.json; }));
        state.me = personView(r.json, accounts);
        return r;
      });
    });
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function fail(msg) { clear(app); app.appendChild(h("div", { "class": "panel no" }, h("p", { text: msg }))); }

  function load() {
    if (!token) {
      fail("This page needs your personal link. Open the link you were given: it ends with #token= followed by a long key.");
      return;
    }
    loadMe().then(function (r) {
      if (r.status === 401) return fail("This link no longer works: it has expired or was withdrawn. Ask for a new link.");
      if (r.status === 404) return fail("We have no posts or settings of yours yet. Once your account has activity, this page shows what happens to it.");
      if (r.status !== 200) return fail("Something went wrong on our side (" + r.status + "). Try again later.");
      return api("GET", "/v1/me/posts?limit=50").then(function (p) {
        state.posts = p.status === 200 ? p.json.posts : [];
        state.next = p.status === 200 ? p.json.next : null;
        render();
      });
    }, function () { fail("The server cannot be reached. Check your connection and try again."); });
  }

  function summary(me) {
    var n = me.posts.considered, inc = me.posts.included;
    var lead;
    if (me.deleted) lead = "Your account is deleted, so none of your posts is used in new corpora.";
    else if (n === 0) lead = "You have no posts here yet.";
    else if (inc === 0) lead = n === 1 ? "Your post is not used to train AI now." : "None of your " + n + " posts is used to train AI now.";
    else if (inc === n) lead = n === 1 ? "Your post may be used to train AI now." : "All " + n + " of your posts may be used to train AI now.";
    else lead = inc + " of your " + n + " posts may be used to train AI now.";
    var why = [];
    if (me.honoured && me.preference === "deny") why.push("You objected, and your objection is honoured.");
    else if (me.honoured && me.preference === "allow") why.push("You agreed to it.");
    me.accounts.forEach(function (a) {
      if (a.private) why.push(a.user === me.user ? "Your account is private, so none of its posts is used." :
        "Your account " + a.user + " is private, so none of its posts is used.");
    });
    var byReason = me.posts.excluded, other = [];
    for (var k in byReason) if (byReason[k] && k !== "objected") other.push(plural(byReason[k], "post", "posts") + " \u2014 " + VERDICT[k].replace("Not used: ", "").toLowerCase());
    return h("section", { "aria-labelledby": "h-summary" },
      h("h2", { id: "h-summary", "class": "vh", text: "Summary" }),
      h("div", { "class": "panel " + (inc ? "yes" : "no") },
        h("p", { "class": "lead", id: "answer", text: lead }),
        why.length ? h("p", { text: why.join(" ") }) : null,
        other.length ? h("p", null, "Not used: " + other.join("; ") + ".") : null));
  }

  function choice(me) {
    var sec = h("section", { "aria-labelledby": "h-choice" }, h("h2", { id: "h-choice", tabindex: "-1", text: "Your choice" }));
    var region = me.region ? me.region : "unknown";
    sec.appendChild(h("p", null, "Your region: ", h("strong", { id: "region", text: region }), ". " + (MODE[me.mode] || "")));
    me.accounts.forEach(function (a) {
      if (a.user !== me.user)
        sec.appendChild(h("p", { "class": "linked-region" }, "Your account " + a.user + " is in ", h("strong", { text: a.region || "an unknown region" }),
          ". " + (MODE_LINKED[a.mode] || "")));
    });
    var mode = choiceMode(me);
    var prefText = { deny: "You have objected to AI training.", allow: "You have agreed to AI training.", unset: "You have not made a choice." }[me.preference];
    var p = h("p", { id: "preference" }, prefText);
    if (me.preference !== "unset") {
      var linked = me.person && me.person.length > 1;
      p.appendChild(document.createTextNode(me.accounts[0].honoured ? " This is honoured." :
        (me.mode === "no_choice" || me.mode === "excluded") && linked ?
          " In your region it does not change what is used of this account's posts, but it also covers your linked accounts where their region lets people choose." :
        me.mode === "no_choice" || me.mode === "excluded" ? " It is kept, but in your region it does not change what is used." : ""));
      if (me.preference_since) p.appendChild(document.createTextNode(" (Since " + day(me.preference_since) +
        (me.preference_set_by && me.preference_set_by !== me.user ? ", set on your account " + me.preference_set_by : "") + ".)"));
    }
    sec.appendChild(p);
    if (me.person && me.person.length > 1)
      sec.appendChild(h("p", null, "Your accounts " + me.person.join(", ") + " belong to one person: one choice covers all of them."));
    var action = null;
    if (me.deleted) {
      sec.appendChild(h("p", { text: "Your account is deleted, so your choice can no longer change." }));
    } else if (mode === "opt_out") {
      action = me.preference === "deny" ? { label: "Withdraw my objection", value: "unset", cls: "" } : { label: "Object to AI training", value: "deny", cls: "primary" };
    } else if (mode === "opt_in") {
      action = me.preference === "allow" ? { label: "Withdraw my consent", value: "unset", cls: "" } : { label: "I agree to AI training", value: "allow", cls: "primary" };
    } else {
      sec.appendChild(h("p", { "class": "muted", text: "There is nothing to choose here. Deleting a post, or making it or your account private, keeps it out of corpora built after that." }));
    }
    if (action) {
      var b = h("button", { type: "button", id: "choice-button", "class": action.cls, text: action.label });
      b.addEventListener("click", function () { setPreference(action.value, b); });
      sec.appendChild(h("p", null, b));
      sec.appendChild(h("p", { "class": "muted", text: "Corpora already built keep what they hold. A change applies to corpora built from now on." }));
    }
    return sec;
  }

  function setPreference(value, button) {
    button.disabled = true;
    say("Saving your choice\u2026");
    api("PUT", "/v1/me/preference", { ai_training: value }).then(function (r) {
      if (r.status !== 200) {
        button.disabled = false;
        say(r.json && r.json.error ? "Your choice was not saved: " + r.json.error.message : "Your choice was not saved. Try again.");
        return;
      }
      var what = { deny: "Your objection is saved", allow: "Your consent is saved", unset: "Your choice is withdrawn" }[value];
      var msg = what + " (" + day(r.json.effective) + "). " + r.json.reason;
      state.allPosts = null;
      loadMe().then(function () {
        return api("GET", "/v1/me/posts?limit=50");
      }).then(function (p) {
        if (p.status === 200) { state.posts = p.json.posts; state.next = p.json.next; }
        render();
        say(msg);
        var hc = document.getElementById("h-choice");
        if (hc) hc.focus();
      });
    });
  }

  function explainPanel(post, container, button) {
    if (button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      button.textContent = "Why?";
      clear(container);
      container.hidden = true;
      return;
    }
    button.setAttribute("aria-expanded", "true");
    button.textContent = "Hide why";
    container.hidden = false;
    clear(container);
    container.appendChild(h("p", { text: "Loading\u2026" }));
    api("GET", "/v1/me/posts/" + encodeURIComponent(post.post) + "/explain").then(function (r) {
      clear(container);
      if (r.status !== 200) { container.appendChild(h("p", { text: "The explanation cannot be shown now." })); return; }
      var x = r.json;
      container.appendChild(h("p", { "class": "verdict " + (x.decision === "included" ? "yes" : "no"),
        text: x.decision === "included" ? "Every check passed, so this post may be used." : VERDICT[x.decision] || x.decision }));
      var ol = h("ol", { "class": "checks" });
      x.checks.forEach(function (c) {
        var mark = c.passed === true ? "Yes" : c.passed === false ? "No" : "Not checked";
        ol.appendChild(h("li", null, h("span", { "class": "tag", text: mark }), h("strong", { text: (CHECK[c.check] || c.check) + ": " }), c.detail || ""));
      });
      container.appendChild(h("p", { text: "What was checked, in order (the first \u201cNo\u201d decides):" }));
      container.appendChild(ol);
      if (x.optout_notice) container.appendChild(h("p", { text: "This post reads like an opt-out notice. Posting it changes nothing: it is treated like any other post." }));
      if (x.snapshots && x.snapshots.length) {
        var ul = h("ul");
        x.snapshots.forEach(function (s) {
          var li = h("li", null, "Corpus " + s.name + " (built " + day(s.at) + "): " + (s.included ? "holds this post, and keeps it." : "does not hold it."));
          var pb = h("button", { type: "button", "class": "proof", text: "Download proof" });
          pb.addEventListener("click", function () { downloadProof(post.post, s.name, li, pb); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(pb);
          ul.appendChild(li);
        });
        container.appendChild(ul);
      }
    });
  }

  function downloadProof(post, snap, li, btn) {
    api("GET", "/v1/me/posts/" + encodeURIComponent(post) + "/proof?snapshot=" + encodeURIComponent(snap)).then(function (r) {
      if (r.status !== 200) {
        btn.replaceWith(h("span", { "class": "muted", text: r.status === 404 && !(r.json && r.json.error && /post|snapshot/.test(r.json.error.message))
          ? "(Proofs are not available from this server yet.)" : "(No proof can be made for this corpus.)" }));
        return;
      }
      var a = h("a", { href: URL.createObjectURL(new Blob([r.text], { type: "application/json" })), download: "proof-" + snap + ".json", text: "Save the proof file" });
      btn.replaceWith(a);
      a.focus();
    });
  }

  function postItem(p) {
    var panel = h("div", { "class": "explain", id: "why-" + encodeURIComponent(p.post).replace(/%/g, "_"), hidden: "" });
    var b = h("button", { type: "button", "aria-expanded": "false", "aria-controls": panel.id, text: "Why?" });
    b.setAttribute("aria-label", "Why? (post of " + day(p.created) + ")");
    b.addEventListener("click", function () { explainPanel(p, panel, b); });
    return h("li", { "data-post": p.post },
      h("p", { "class": "excerpt" }, "\u201c" + (p.excerpt || "(no text)") + "\u201d"),
      h("p", { "class": "muted" }, "Written " + day(p.created) + (p.user !== state.me.user ? " on your account " + p.user : "") +
        (p.snapshots.length ? ". In " + plural(p.snapshots.length, "corpus", "corpora") + ": " + p.snapshots.join(", ") : "") + "."),
      h("p", { "class": "verdict " + (p.reason === "included" ? "yes" : "no"), text: VERDICT[p.reason] || p.reason }),
      b, panel);
  }

  function postsSection() {
    var sec = h("section", { "aria-labelledby": "h-posts" }, h("h2", { id: "h-posts", text: "Your posts" }));
    if (!state.posts.length) { sec.appendChild(h("p", { text: "You have no posts here yet." })); return sec; }
    var ul = h("ul", { "class": "posts", id: "posts" });
    state.posts.forEach(function (p) { ul.appendChild(postItem(p)); });
    sec.appendChild(ul);
    if (state.next) {
      var more = h("button", { type: "button", text: "Show more posts" });
      more.addEventListener("click", function () {
        more.disabled = true;
        api("GET", "/v1/me/posts?limit=50&after=" + encodeURIComponent(state.next)).then(function (r) {
          if (r.status !== 200) { more.disabled = false; return; }
          var first = null;
          r.json.posts.forEach(function (p) { state.posts.push(p); var li = postItem(p); ul.appendChild(li); first = first || li; });
          state.next = r.json.next;
          if (!state.next) more.remove(); else more.disabled = false;
          if (first) { var fb = first.querySelector("button"); if (fb) fb.focus(); }
        });
      });
      sec.appendChild(more);
    }
    return sec;
  }

  function snapshotsSection(me) {
    var sec = h("section", { "aria-labelledby": "h-snaps" }, h("h2", { id: "h-snaps", text: "Corpora that already hold your posts" }));
    if (!me.snapshots.length) { sec.appendChild(h("p", { text: "No corpus built so far holds any of your posts." })); return sec; }
    var ul = h("ul", { id: "snapshots" });
    me.snapshots.forEach(function (s) { ul.appendChild(h("li", null, h("strong", { text: s.name }), ", built " + day(s.at) + ": holds " + s.posts + " of your posts.")); });
    sec.appendChild(ul);
    sec.appendChild(h("p", { text: "A corpus that is already built keeps what it holds. Objecting, or deleting a post, keeps it out of corpora built afterwards, not out of these." }));
    sec.appendChild(h("p", null, "To check for yourself whether a corpus holds a post, open \u201cWhy?\u201d under the post and download the proof. Anyone with the corpus can check it: ",
      h("code", { text: "licit verify DIR --proof FILE" }), "."));
    return sec;
  }

  function chartSection(me) {
    var sec = h("section", { "aria-labelledby": "h-chart" }, h("h2", { id: "h-chart", text: "Your posts over time" }));
    var points = me.snapshots.slice().sort(function (a, b) { return a.at < b.at ? -1 : 1; }).map(function (s) { return { label: s.name + " (" + day(s.at) + ")", snapshot: s.name }; });
    points.push({ label: "Now", snapshot: null });
    var box = h("div", { "class": "chart", id: "chart" }, h("p", { text: "Loading\u2026" }));
    sec.appendChild(h("p", { text: "How each corpus that holds your posts judged them when it was built, and how they are judged now." }));
    sec.appendChild(box);
    Promise.all(points.map(function (pt) {
      return api("GET", "/v1/me/posts?limit=10000" + (pt.snapshot ? "&snapshot=" + encodeURIComponent(pt.snapshot) : "")).then(function (r) {
        var c = {};
        if (r.status === 200) r.json.posts.forEach(function (p) { c[p.reason] = (c[p.reason] || 0) + 1; });
        return c;
      });
    })).then(function (counts) {
      clear(box);
      var reasons = Object.keys(COLORS).filter(function (k) { return counts.some(function (c) { return c[k]; }); });
      var max = Math.max.apply(null, counts.map(function (c) { var t = 0; for (var k in c) t += c[k]; return t; }).concat([1]));
      var rowH = 44, W = 320;
      var s = svg("svg", { viewBox: "0 0 " + W + " " + (points.length * rowH + 4), role: "img", "aria-labelledby": "chart-title" });
      var title = svg("title", { id: "chart-title" });
      title.textContent = "Bar chart of your posts by decision: " + points.map(function (pt, i) {
        return pt.label + ": " + reasons.filter(function (k) { return counts[i][k]; }).map(function (k) { return counts[i][k] + " " + k.replace(/_/g, " "); }).join(", ");
      }).join("; ");
      s.appendChild(title);
      points.forEach(function (pt, i) {
        var y = i * rowH;
        var t = svg("text", { x: 0, y: y + 13, "font-size": 12, fill: "#0b0c0c" });
        t.textContent = pt.label;
        s.appendChild(t);
        var x = 0;
        reasons.forEach(function (k) {
          var n = counts[i][k] || 0;
          if (!n) return;
          var w = n / max * W;
          s.appendChild(svg("rect", { x: x, y: y + 18, width: Math.max(w, 1), height: 20, fill: COLORS[k] }));
          x += w;
        });
      });
      box.appendChild(s);
      var legend = h("ul", { "class": "legend", "aria-hidden": "true" });
      reasons.forEach(function (k) {
        var sw = h("span", { "class": "sw" });
        sw.style.background = COLORS[k];
        legend.appendChild(h("li", null, sw, k === "included" ? "may be used" : k.replace(/_/g, " ")));
      });
      box.appendChild(legend);
      var table = h("table", null, h("caption", { text: "Your posts by decision" }));
      var head = h("tr", null, h("th", { scope: "col", text: "When" }));
      reasons.forEach(function (k) { head.appendChild(h("th", { scope: "col", text: k.replace(/_/g, " ") })); });
      table.appendChild(head);
      points.forEach(function (pt, i) {
        var tr = h("tr", null, h("th", { scope: "row", text: pt.label }));
        reasons.forEach(function (k) { tr.appendChild(h("td", { text: String(counts[i][k] || 0) })); });
        table.appendChild(tr);
      });
      box.appendChild(h("div", { "class": "vh" }, table));
    });
    return sec;
  }

  function othersSection(me) {
    var m = me.mentioned_by_others || { considered: 0, excluded: 0 };
    var sec = h("section", { "aria-labelledby": "h-others" }, h("h2", { id: "h-others", text: "Other people\u2019s posts that mention you" }));
    if (!m.considered) { sec.appendChild(h("p", { id: "mentions", text: "No post by someone else mentions you." })); return sec; }
    var msg = plural(m.considered, "post by other people mentions you", "posts by other people mention you") + ". ";
    msg += m.excluded ? plural(m.excluded, "of them is", "of them are") + " kept out of corpora because of your objection." :
      "None of them is kept out because of you" + (me.preference === "deny" ?
        ": a mention keeps a post out only where the policy in force extends objections to mentions, " +
        "and only a post that would otherwise be included (the others are out for reasons of their own)." : ".");
    sec.appendChild(h("p", { id: "mentions", text: msg }));
    sec.appendChild(h("p", { "class": "muted", text: "Only the numbers are shown: those posts belong to other people." }));
    return sec;
  }

  function noticesSection(me) {
    if (!me.optout_notices || !me.optout_notices.length) return null;
    var sec = h("section", { "aria-labelledby": "h-notices" }, h("h2", { id: "h-notices", text: "Notices you posted" }));
    sec.appendChild(h("p", null, "You posted " + plural(me.optout_notices.length, "notice", "notices") +
      " such as \u201cI do not give Meta permission to use my photos\u201d. Posting a notice like this changes nothing: the post is treated like any other post, and it can itself be used."));
    var ul = h("ul", { id: "notices" });
    me.optout_notices.forEach(function (id) {
      var p = state.posts.filter(function (x) { return x.post === id; })[0];
      ul.appendChild(h("li", { text: p ? "\u201c" + p.excerpt + "\u201d (" + day(p.created) + ")" : id }));
    });
    sec.appendChild(ul);
    var mode = choiceMode(me);
    sec.appendChild(h("p", { text: "What does work: " + (mode === me.mode ? MODE[me.mode] || "" : "your account in a region where you can choose decides for all your accounts.") +
      (mode === "opt_out" || mode === "opt_in" ? " Use the button under \u201cYour choice\u201d." : "") }));
    return sec;
  }

  function actionsSection(me) {
    if (!me.actions || !me.actions.length) return null;
    var ul = h("ul");
    me.actions.forEach(function (a) { ul.appendChild(h("li", { text: a })); });
    return h("section", { "aria-labelledby": "h-actions" }, h("h2", { id: "h-actions", text: "What you can do" }), ul);
  }

  function render() {
    var me = state.me;
    clear(app);
    app.appendChild(h("p", { "class": "muted", id: "who" }, "For your account " + me.user +
      (me.person && me.person.length > 1 ? " and your linked accounts " + me.person.filter(function (u) { return u !== me.user; }).join(", ") : "") +
      ", as of " + day(me.at) + (me.policy && me.policy.name ? ", under the policy " + me.policy.name : "") + "."));
    [summary(me), choice(me), postsSection(), snapshotsSection(me), chartSection(me), othersSection(me), noticesSection(me), actionsSection(me)]
      .forEach(function (s) { if (s) app.appendChild(s); });
  }

  // The skip link moves focus without touching the fragment, which holds
  // the token; a new fragment reloads only when it brings another token.
  var skip = document.querySelector("a.skip");
  if (skip) skip.addEventListener("click", function (ev) {
    ev.preventDefault();
    document.getElementById("main").focus();
  });
  window.addEventListener("hashchange", function () {
    var t = (new URLSearchParams(location.hash.slice(1))).get("token");
    if (t && t !== token) location.reload();
  });
  load();
})();
