using System.Security.Claims;
using AuditPortal.Portal.Auth;

namespace AuditPortal.Tests.Portal;

public class RoleMapperTests
{
    private static RoleMapper Mapper(string claim = "roles") => new(new OidcSettings
    {
        RolesClaim = claim,
        RoleMapping = new(StringComparer.Ordinal) { ["readers"] = "auditor", ["fraud"] = "investigator", ["ops"] = "admin", ["also-readers"] = "auditor" },
    });

    [Fact]
    public void Map_MappedValues_ReturnsPortalRolesDistinctInCanonicalOrder()
    {
        var roles = Mapper().Map([new Claim("roles", "ops"), new Claim("roles", "readers"), new Claim("roles", "also-readers")]);

        roles.ShouldBe([PortalRoles.Auditor, PortalRoles.Admin]);
    }

    [Fact]
    public void Map_UnmappedOrOtherClaim_GrantsNothing()
    {
        Mapper().Map([new Claim("roles", "auditor"), new Claim("groups", "readers"), new Claim("roles", "Readers")]).ShouldBeEmpty();
    }

    [Fact]
    public void Map_ConfiguredClaimType_IsUsed()
    {
        Mapper("groups").Map([new Claim("groups", "fraud"), new Claim("roles", "ops")]).ShouldBe([PortalRoles.Investigator]);
    }

    [Fact]
    public void Ctor_MappingToUnknownRole_Throws()
    {
        var ex = Should.Throw<InvalidOperationException>(() => new RoleMapper(new OidcSettings
        {
            RoleMapping = new(StringComparer.Ordinal) { ["x"] = "superuser" },
        }));
        ex.Message.ShouldContain("superuser");
    }
}
