using System.Text;

namespace AuditPortal.Data.Reading;

/// <summary>
/// SQL literals for statements that take no parameters (COPY). Values are never concatenated raw:
/// numbers are formatted from validated longs, text is an escape-string literal (<c>E'…'</c>)
/// whose meaning does not depend on <c>standard_conforming_strings</c>.
/// </summary>
internal static class SqlLiteral
{
    public static string Text(string value)
    {
        var builder = new StringBuilder(value.Length + 4).Append("E'");
        foreach (var c in value)
        {
            switch (c)
            {
                case '\0':
                    throw new ArgumentException("PostgreSQL text cannot contain NUL", nameof(value));
                case '\'':
                    builder.Append("''");
                    break;
                case '\\':
                    builder.Append(@"\\");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        return builder.Append('\'').ToString();
    }

    public static string Int64(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
