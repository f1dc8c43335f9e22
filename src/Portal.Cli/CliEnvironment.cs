using Npgsql;

namespace AuditPortal.Cli;

/// <summary>
/// Where the CLI finds its databases, keys and witness: an explicit option wins, then the environment
/// variables `./portal up` exports, then the development defaults under var/.
/// </summary>
public sealed class CliEnvironment(Func<string, string?> getVariable)
{
    public const string PrimaryVariable = "AUDITPORTAL_PRIMARY";
    public const string ReplicaVariable = "AUDITPORTAL_REPLICA";
    public const string PortalDbVariable = "AUDITPORTAL_PORTAL_DB";
    public const string WriterVariable = "AUDITPORTAL_WRITER";
    public const string KeysDirVariable = "AUDITPORTAL_KEYS_DIR";
    public const string WitnessDirVariable = "AUDITPORTAL_WITNESS_DIR";
    public const string AccessLogWitnessDirVariable = "AUDITPORTAL_ACCESS_LOG_WITNESS_DIR";

    public static CliEnvironment FromProcess() => new(Environment.GetEnvironmentVariable);

    /// <summary>For commands that change the ledger (init, seed, checkpoint): the primary.</summary>
    public string Primary(string? option) =>
        option ?? getVariable(PrimaryVariable)
        ?? throw new CliUsageException($"no database given: pass --connection or set {PrimaryVariable}");

    /// <summary>For commands that only read: the replica if configured, else the primary.</summary>
    public string ReadOnly(string? option) =>
        option ?? getVariable(ReplicaVariable) ?? getVariable(PrimaryVariable)
        ?? throw new CliUsageException($"no database given: pass --connection or set {ReplicaVariable} or {PrimaryVariable}");

    public string? PortalDb => getVariable(PortalDbVariable);

    /// <summary>Any other variable (evidence signing certificate, TSA).</summary>
    public string? Variable(string name) => getVariable(name);

    /// <summary>
    /// The INSERT-only writer's connection: AUDITPORTAL_WRITER, else the primary's with the user
    /// switched to the writer role (development clusters trust loopback; production sets a password).
    /// </summary>
    public string Writer(string primary, string role) =>
        getVariable(WriterVariable) ?? AsRole(primary, role);

    public static string AsRole(string connectionString, string role) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = null }.ConnectionString;

    public string KeysDirectory(string? option) => option ?? getVariable(KeysDirVariable) ?? Path.Combine("var", "keys");

    public string WitnessDirectory(string? option) => option ?? getVariable(WitnessDirVariable) ?? Path.Combine("var", "witness");

    /// <summary>The portal database (the access log): the option, else AUDITPORTAL_PORTAL_DB.</summary>
    public string PortalDatabase(string? option) =>
        option ?? PortalDb ?? throw new CliUsageException($"no access-log database given: pass --connection or set {PortalDbVariable}");

    /// <summary>The access log's own witness directory (never the ledger's).</summary>
    public string AccessLogWitnessDirectory(string? option) =>
        option ?? getVariable(AccessLogWitnessDirVariable) ?? Path.Combine("var", "access-log-witness");
}

/// <summary>A mistake in how the command was called; exits 2 with the message.</summary>
public sealed class CliUsageException(string message) : Exception(message);
