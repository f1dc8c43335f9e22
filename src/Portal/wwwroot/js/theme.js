// Remembers the light/dark choice for the next page the server renders (Layout/ThemePreference.cs).
export function remember(dark) {
  var secure = location.protocol === 'https:' ? '; secure' : '';
  document.cookie = 'portal-theme=' + (dark ? 'dark' : 'light') + '; path=/; max-age=31536000; samesite=lax' + secure;
}
