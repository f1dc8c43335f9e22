using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;

namespace AuditPortal.Data.Demo;

// Accounts and data subjects: onboarding, KYC, status changes, closing and erasure requests.
internal sealed partial class DemoRun
{
    public const string SubjectErasureRequested = "subject.erasure_requested";
    private const int UniverseSize = 4;

    private void OpenAccount()
    {
        var number = ++accountsOpened;
        var isHot = hotOpened < hot.Length;
        var id = "acc-" + number.ToString("D6", CultureInfo.InvariantCulture);
        var subjectId = "subj-" + number.ToString("D6", CultureInfo.InvariantCulture);

        var first = random.Pick(DemoCatalog.FirstNames);
        var last = random.Pick(DemoCatalog.LastNames);
        // Institutional desks are held by an entity; its personal data is the authorised signer's.
        var holder = first + " " + last;
        // ITIN-shaped (9XX-7X-XXXX): never a real SSN.
        var taxId = string.Create(CultureInfo.InvariantCulture,
            $"9{random.Next(100):D2}-{70 + random.Next(19)}-{random.Next(10_000):D4}");
        var birth = new DateTime(1940, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(365 * 64));

        var universe = new int[UniverseSize];
        for (var i = 0; i < universe.Length; i++)
        {
            int candidate;
            do candidate = random.Next(instruments.Length); while (Array.IndexOf(universe, candidate, 0, i) >= 0);
            universe[i] = candidate;
        }

        var account = new DemoAccount
        {
            Number = number,
            Id = id,
            SubjectId = subjectId,
            Hot = isHot,
            HolderName = holder,
            TaxId = taxId,
            Universe = universe,
            Positions = new long[UniverseSize],
        };

        Emit("subject", subjectId, "subject.registered", onboarding, new JsonObject
        {
            ["email"] = (isHot ? "treasury" : first.ToLowerInvariant() + "." + last.ToLowerInvariant())
                + number.ToString(CultureInfo.InvariantCulture) + "@example.com",
            ["phone"] = "+1-555-01" + random.Next(100).ToString("D2", CultureInfo.InvariantCulture),
            ["locale"] = "en-US",
            ["marketing_opt_in"] = false,
        }, ServiceLag(), [new("email", subjectId), new("phone", subjectId)]);

        var opened = new JsonObject
        {
            ["subject_id"] = subjectId,
            ["account_type"] = isHot ? "institutional" : "individual",
            ["base_currency"] = "USD",
            ["status"] = "pending_kyc",
            ["holder_name"] = holder,
            ["date_of_birth"] = Date(birth),
            ["tax_id"] = taxId,
            ["address"] = Address(),
        };
        if (isHot) opened["entity_name"] = random.Pick(DemoCatalog.Desks);
        Emit("account", id, "account.opened", onboarding, opened, ServiceLag(),
            [new("holder_name", subjectId), new("date_of_birth", subjectId), new("tax_id", subjectId), new("address", subjectId)]);

        if (isHot) hot[hotOpened++] = account;
        else
        {
            account.ActiveIndex = ordinary.Count;
            ordinary.Add(account);
        }
    }

    private JsonObject Address() => new()
    {
        ["street"] = (1 + random.Next(400)).ToString(CultureInfo.InvariantCulture) + " " + random.Pick(DemoCatalog.Streets),
        ["city"] = random.Pick(DemoCatalog.Cities),
        ["postal_code"] = random.Next(100_000).ToString("D5", CultureInfo.InvariantCulture),
        ["country"] = "US",
    };

    /// <summary>Emits what must happen before the account can act (KYC, lifting a restriction); false if it did.</summary>
    private bool Ready(DemoAccount account)
    {
        if (!account.KycVerified)
        {
            VerifyKyc(account);
            return false;
        }
        if (account.Restricted)
        {
            ChangeStatus(account, "restricted", "active", "review_cleared");
            account.Restricted = false;
            return false;
        }
        return true;
    }

    private void VerifyKyc(DemoAccount account)
    {
        Emit("account", account.Id, "account.kyc_verified", kyc, new JsonObject
        {
            ["status"] = "active",
            ["document_type"] = random.Pick(DemoCatalog.DocumentTypes),
            ["document_number"] = "D" + random.Next(100_000_000).ToString("D8", CultureInfo.InvariantCulture),
            ["checks"] = new JsonArray("identity", "address", "sanctions"),
        }, ServiceLag(), [new("document_number", account.SubjectId)]);
        account.KycVerified = true;
    }

    private void Restrict(DemoAccount account)
    {
        ChangeStatus(account, "active", "restricted", random.Pick(DemoCatalog.RestrictionReasons));
        account.Restricted = true;
    }

    private void ChangeStatus(DemoAccount account, string from, string to, string reason) =>
        Emit("account", account.Id, "account.status_changed", compliance, new JsonObject
        {
            ["from"] = from,
            ["to"] = to,
            ["reason"] = reason,
        }, HumanLag());

    private void ChangeAddress(DemoAccount account) =>
        Emit("account", account.Id, "account.address_changed", Operator(), new JsonObject
        {
            ["address"] = Address(),
            ["channel"] = "phone",
        }, HumanLag(), [new("address", account.SubjectId)]);

    private void UpdateConsent(DemoAccount account) =>
        Emit("subject", account.SubjectId, "subject.consent_updated", onboarding, new JsonObject
        {
            ["marketing_opt_in"] = random.Chance(0.5),
        }, ServiceLag());

    /// <summary>Closes an ordinary account: final tax form, payout, close; some customers then ask for erasure.</summary>
    private void CloseAccount()
    {
        if (ordinary.Count <= 10) return;
        var account = ordinary[random.Next(ordinary.Count)];
        if (account.TaxLots is { Count: > 0 }) IssueForm(account);
        if (account.KycVerified && account.Cash > 0) Withdraw(account, account.Cash);

        var positions = 0;
        foreach (var p in account.Positions) if (p > 0) positions++;
        Emit("account", account.Id, "account.closed", Operator(), new JsonObject
        {
            ["status"] = "closed",
            ["reason"] = random.Chance(0.7) ? "customer_request" : "dormant",
            ["final_balance"] = DemoMoney.Cents(account.Cash),
            ["positions_transferred_out"] = positions,
        }, HumanLag());

        account.Closed = true;
        var last = ordinary[^1];
        ordinary[account.ActiveIndex] = last;
        last.ActiveIndex = account.ActiveIndex;
        ordinary.RemoveAt(ordinary.Count - 1);
        account.ActiveIndex = -1;
        account.TaxLots = null;

        if (random.Chance(options.ShreddedSubjectRate))
        {
            Emit("subject", account.SubjectId, SubjectErasureRequested, privacy, new JsonObject
            {
                ["legal_basis"] = "GDPR Art. 17(1)(b)",
                ["scope"] = "personal_fields",
                ["retention"] = "financial records kept under legal obligation; personal fields crypto-shredded",
            }, HumanLag());
        }
    }
}
