// The colour theme, applied before the first paint (a blocking script in app.html's head, so
// a dark-mode device never flashes light). The choice is per device: "system" (default,
// follows prefers-color-scheme and its changes), "light" or "dark", kept in localStorage.
// The app changes it through window.mutualTheme (src/lib/components/ThemeSetting.svelte).
(function () {
  var KEY = 'mutual-theme';
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function read() {
    try {
      var v = localStorage.getItem(KEY);
      return v === 'light' || v === 'dark' ? v : 'system';
    } catch (e) {
      return 'system';
    }
  }
  function apply() {
    var pref = read();
    var dark = pref === 'dark' || (pref === 'system' && !!media && media.matches);
    document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  }
  apply();
  if (media && media.addEventListener) media.addEventListener('change', apply);
  // Paper is white: print in the light theme.
  window.addEventListener('beforeprint', function () {
    document.documentElement.setAttribute('data-theme', 'light');
  });
  window.addEventListener('afterprint', apply);
  window.mutualTheme = {
    get: read,
    set: function (pref) {
      try {
        if (pref === 'system') localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, pref);
      } catch (e) {
        /* private window: the choice lasts this page only */
      }
      apply();
    }
  };
})();
