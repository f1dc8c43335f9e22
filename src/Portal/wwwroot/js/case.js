// Remembers the active case for the pages the server renders next (Workspace/ActiveCase.cs).
export function remember(caseId) {
  var secure = location.protocol === 'https:' ? '; secure' : '';
  document.cookie = caseId
    ? 'portal-case=' + encodeURIComponent(caseId) + '; path=/; max-age=31536000; samesite=lax' + secure
    : 'portal-case=; path=/; max-age=0; samesite=lax' + secure;
}
