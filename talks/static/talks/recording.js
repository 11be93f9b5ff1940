/*
 * Click-to-play recordings. The page holds a plain link to the video; nothing is
 * requested from YouTube or Vimeo until the visitor clicks it, and then the link
 * is swapped for the provider's privacy-enhanced player. Without JavaScript the
 * link simply opens the video.
 */
(function () {
  "use strict";

  var PLAYERS = {
    youtube: function (id, start) {
      var url = "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(id) + "?autoplay=1&rel=0";
      return start ? url + "&start=" + start : url;
    },
    vimeo: function (id, start) {
      var url = "https://player.vimeo.com/video/" + encodeURIComponent(id) + "?autoplay=1&dnt=1";
      return start ? url + "#t=" + start + "s" : url;
    }
  };
  var VIDEO_ID = /^[A-Za-z0-9_-]{1,32}$/;

  function play(event) {
    // A middle click or a modifier opens the video elsewhere, as for any link.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.currentTarget;
    var player = PLAYERS[link.dataset.embedProvider];
    var id = link.dataset.embedId || "";
    if (!player || !VIDEO_ID.test(id)) {
      return;
    }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = player(id, parseInt(link.dataset.embedStart, 10) || 0);
    frame.title = link.dataset.embedTitle || "Recording";
    frame.className = "recording-frame";
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    link.replaceWith(frame);
    frame.focus();
  }

  document.querySelectorAll("a[data-embed-provider]").forEach(function (link) {
    link.addEventListener("click", play);
  });
})();
