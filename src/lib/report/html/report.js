(function () {
  'use strict';
  function fallback(text) {
    var t = document.createElement('textarea');
    t.value = text;
    t.setAttribute('readonly', '');
    t.className = 'offscreen';
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(t);
    return ok;
  }
  function copyText(button) {
    var pre = document.getElementById(button.getAttribute('data-target'));
    if (!pre) return '';
    var recs = pre.querySelectorAll('.rec');
    if (!recs.length) return pre.textContent;
    var lines = [];
    for (var i = 0; i < recs.length; i++) lines.push(recs[i].textContent);
    return lines.join('\n') + '\n';
  }
  function say(button, key) {
    button.textContent = button.getAttribute(key);
    setTimeout(function () { button.textContent = button.getAttribute('data-label'); }, 2000);
  }
  var buttons = document.querySelectorAll('button.copy');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function (ev) {
      var b = ev.currentTarget, text = copyText(b);
      b.setAttribute('data-copied', text);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { say(b, 'data-done'); },
          function () { say(b, fallback(text) ? 'data-done' : 'data-fail'); });
      } else {
        say(b, fallback(text) ? 'data-done' : 'data-fail');
      }
    });
  }
  var tools = document.querySelectorAll('.tools');
  for (var k = 0; k < tools.length; k++) {
    tools[k].hidden = false;
    tools[k].addEventListener('click', function (ev) {
      var open = ev.target.getAttribute('data-open');
      if (open === null) return;
      var box = document.getElementById(ev.currentTarget.getAttribute('data-tree'));
      var ds = box ? box.querySelectorAll('details') : [];
      for (var j = 0; j < ds.length; j++) ds[j].open = open === '1';
    });
  }
  var shut = [];
  window.addEventListener('beforeprint', function () {
    var ds = document.querySelectorAll('details:not([open])');
    for (var j = 0; j < ds.length; j++) { ds[j].open = true; shut.push(ds[j]); }
  });
  window.addEventListener('afterprint', function () {
    while (shut.length) shut.pop().open = false;
  });
}());
