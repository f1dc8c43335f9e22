namespace AuditPortal.Data.Demo;

/// <summary>Fictional reference data: names, places, issuers. Reserved ranges where they exist (example.com, 555-01xx, SSN area 9xx).</summary>
internal static class DemoCatalog
{
    public static readonly string[] FirstNames =
    [
        "Ada", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam",
        "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tess", "Umar", "Vera", "Wen", "Yusuf", "Zoe",
    ];

    public static readonly string[] LastNames =
    [
        "Abbott", "Becker", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen",
        "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Peters", "Quist", "Rossi", "Schmidt", "Tanaka",
        "Ueda", "Varga", "Weber", "Xu", "Young", "Zimmer",
    ];

    public static readonly string[] Streets =
    [
        "Maple Street", "Harbor Road", "Station Lane", "Mill Avenue", "Orchard Way", "Bridge Street",
        "Park Terrace", "Elm Court", "Cedar Drive", "Market Square",
    ];

    public static readonly string[] Cities =
    [
        "Springfield", "Riverton", "Lakeside", "Fairview", "Greenville", "Oakdale", "Clayton", "Milford",
    ];

    public static readonly string[] Desks = ["Northwind Capital LLC", "Contoso Pension Fund", "Fabrikam Treasury", "Tailspin Asset Mgmt", "Litware Endowment"];

    public static readonly string[] IssuerStems =
    [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Soylent", "Cyberdyne",
        "Wonka", "Tyrell", "Aperture", "Massive", "Gringotts", "Oscorp", "Pied Piper", "Duff", "Monarch", "Nakatomi",
    ];

    public static readonly string[] IssuerSuffixes = ["Holdings", "Industries", "Systems", "Energy", "Pharma", "Bancorp", "Logistics", "Foods"];

    public static readonly string[] Exchanges = ["XNYS", "XNAS", "ARCX"];

    public static readonly string[] DocumentTypes = ["passport", "drivers_license", "national_id"];

    public static readonly string[] Proposals =
    [
        "Elect directors", "Ratify auditor", "Say on pay", "Approve equity plan", "Shareholder climate report",
        "Declassify board", "Authorize buyback",
    ];

    public static readonly string[] VoteChoices = ["for", "against", "abstain"];

    public static readonly string[] RestrictionReasons = ["aml_review", "margin_call", "document_expired", "sanctions_screening"];

    public static readonly string[] CorrectionReasons = ["price_amended_by_venue", "allocation_error", "booking_error"];

    /// <summary>A US ISIN: "US", nine alphanumerics, and the Luhn check digit over the letter-expanded digits.</summary>
    public static string Isin(DemoRandom random)
    {
        Span<char> isin = stackalloc char[12];
        isin[0] = 'U';
        isin[1] = 'S';
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for (var i = 2; i < 11; i++)
            isin[i] = i < 5 ? alphabet[random.Next(10)] : alphabet[random.Next(alphabet.Length)];
        isin[11] = (char)('0' + IsinCheckDigit(isin[..11]));
        return new string(isin);
    }

    public static int IsinCheckDigit(ReadOnlySpan<char> body)
    {
        Span<int> digits = stackalloc int[body.Length * 2];
        var n = 0;
        foreach (var c in body)
        {
            var v = c is >= '0' and <= '9' ? c - '0' : c - 'A' + 10;
            if (v >= 10) digits[n++] = v / 10;
            digits[n++] = v % 10;
        }
        var sum = 0;
        for (var i = 0; i < n; i++)
        {
            var d = digits[n - 1 - i];
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
