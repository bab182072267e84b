/* Search for the offline copy of the kit (`make offline`), opened from file://.
   Material runs its search in a Web Worker, and browsers refuse to start a
   worker from a file:// page. Loaded before Material's bundle (only in the
   offline copy), this script answers `new Worker(<search worker>)` with an
   object that runs the same worker script in a hidden frame of the page and
   passes messages as a worker would. Material itself reads the index from
   search/search_index.js when the page comes from a file. */
(function () {
  "use strict";

  if (location.protocol !== "file:" || typeof window.Worker !== "function") {
    return;
  }

  var NativeWorker = window.Worker;
  var SEARCH_WORKER = /\/workers\/search\.[^/]*\.js$/;

  // Messages cross between the page and the frame as copies, never shared
  // objects, as with a real worker; every search message is plain JSON.
  function copyInto(realm, data) {
    return realm.JSON.parse(JSON.stringify(data));
  }

  function FrameWorker(url) {
    var target = new EventTarget();
    var frame = document.createElement("iframe");
    var pending = [];
    var loaded = false;
    var worker;

    frame.hidden = true;
    frame.tabIndex = -1;
    frame.setAttribute("aria-hidden", "true");
    frame.title = "search";
    (document.body || document.documentElement).appendChild(frame);
    var scope = frame.contentWindow;

    function toWorker(data) {
      // Asynchronous, like a worker's message queue.
      setTimeout(function () {
        scope.dispatchEvent(new scope.MessageEvent("message", { data: copyInto(scope, data) }));
      }, 0);
    }

    // The worker script answers with a bare postMessage(), which in the frame
    // is the frame's own global: make it deliver to this page instead.
    scope.postMessage = function (data) {
      var event = new MessageEvent("message", { data: copyInto(window, data) });
      if (typeof worker.onmessage === "function") {
        worker.onmessage(event);
      }
      target.dispatchEvent(event);
    };

    var script = scope.document.createElement("script");
    script.src = new URL(url, document.baseURI).href;
    script.onload = function () {
      loaded = true;
      pending.splice(0).forEach(toWorker);
    };
    script.onerror = function () {
      var event = new Event("error");
      if (typeof worker.onerror === "function") {
        worker.onerror(event);
      }
      target.dispatchEvent(event);
    };
    scope.document.head.appendChild(script);

    worker = {
      onmessage: null,
      onerror: null,
      postMessage: function (data) {
        if (loaded) {
          toWorker(data);
        } else {
          pending.push(data);
        }
      },
      terminate: function () {
        frame.remove();
      },
      addEventListener: target.addEventListener.bind(target),
      removeEventListener: target.removeEventListener.bind(target),
      dispatchEvent: target.dispatchEvent.bind(target),
    };
    return worker;
  }

  window.Worker = function Worker(url, options) {
    if (SEARCH_WORKER.test(String(url))) {
      return FrameWorker(String(url));
    }
    return new NativeWorker(url, options);
  };
  window.Worker.prototype = NativeWorker.prototype;
})();
