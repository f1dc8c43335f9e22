using System.Globalization;
using Npgsql;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// Assembles a WHERE clause from constant fragments and positional parameters. Values never enter
/// the SQL text: every user-supplied value is an <see cref="NpgsqlParameter"/>.
/// </summary>
internal sealed class SqlBuilder
{
    private readonly List<object> values = [];
    private readonly List<string> conditions = [];

    /// <summary>Adds a parameter; returns its placeholder (<c>$n</c>).</summary>
    public string Add(object value)
    {
        values.Add(value);
        return "$" + values.Count.ToString(CultureInfo.InvariantCulture);
    }

    public void Where(string condition) => conditions.Add(condition);

    public void Window(string alias, TimeWindow window)
    {
        var column = alias + "." + window.Column;
        if (window.From is { } from)
            Where($"{column} >= {Add(from.UtcDateTime)}");
        if (window.To is { } to)
            Where($"{column} < {Add(to.UtcDateTime)}");
    }

    public string WhereClause => conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

    /// <summary>A command carrying every parameter added so far; <paramref name="text"/> must reference exactly those.</summary>
    public NpgsqlCommand Command(string text, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        var command = new NpgsqlCommand(text, connection, transaction);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
