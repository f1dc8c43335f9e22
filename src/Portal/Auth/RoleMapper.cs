using System.Security.Claims;

namespace AuditPortal.Portal.Auth;

/// <summary>Maps the provider's role values (from <see cref="OidcSettings.RolesClaim"/>) to portal roles.</summary>
public sealed class RoleMapper
{
    private readonly string _rolesClaim;
    private readonly IReadOnlyDictionary<string, string> _mapping;

    public RoleMapper(OidcSettings settings)
    {
        _rolesClaim = settings.RolesClaim;
        foreach (var (from, to) in settings.RoleMapping)
        {
            if (!PortalRoles.IsPortalRole(to))
            {
                throw new InvalidOperationException(
                    $"Portal:Oidc:RoleMapping maps '{from}' to '{to}', which is not a portal role ({string.Join(", ", PortalRoles.All)}).");
            }
        }
        _mapping = new Dictionary<string, string>(settings.RoleMapping, StringComparer.Ordinal);
    }

    /// <summary>Portal roles for the given id_token claims, distinct and in the order of <see cref="PortalRoles.All"/>.</summary>
    public IReadOnlyList<string> Map(IEnumerable<Claim> idTokenClaims)
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in idTokenClaims)
        {
            if (claim.Type == _rolesClaim && _mapping.TryGetValue(claim.Value, out var role))
            {
                granted.Add(role);
            }
        }
        return PortalRoles.All.Where(granted.Contains).ToArray();
    }
}
