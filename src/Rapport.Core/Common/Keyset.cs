namespace Rapport.Common;

/// <summary>
/// Keyset cursors for the lists of interactions, transactions, products and companies: the sort key of the last row
/// of a page, encoded with <see cref="Cursor"/>. A cursor that does not decode to the expected keys is a field error
/// on <c>after</c>, never an exception.
/// </summary>
public static class Keyset
{
    /// <summary>Cursor for lists ordered newest first by (instant desc, id desc).</summary>
    public static string Encode(DateTimeOffset at, long id) => Cursor.Encode(at.ToUniversalTime(), id);

    /// <summary>Cursor for lists ordered by (text, id), e.g. a folded name.</summary>
    public static string Encode(string text, long id) => Cursor.Encode(text, id);

    public static bool TryDecode(string? after, FieldErrors errors, out (DateTimeOffset At, long Id)? key)
    {
        key = null;
        if (!Cursor.TryDecode(after, out var keys))
        {
            return Invalid(errors);
        }

        if (keys.Length == 0)
        {
            return true;
        }

        if (keys.Length != 2 || !keys[0].TryGetDateTimeOffset(out var at) || !keys[1].TryGetInt64(out var id))
        {
            return Invalid(errors);
        }

        key = (at.ToUniversalTime(), id);
        return true;
    }

    public static bool TryDecode(string? after, FieldErrors errors, out (string Text, long Id)? key)
    {
        key = null;
        if (!Cursor.TryDecode(after, out var keys))
        {
            return Invalid(errors);
        }

        if (keys.Length == 0)
        {
            return true;
        }

        if (keys.Length != 2 || keys[0].ValueKind != System.Text.Json.JsonValueKind.String || !keys[1].TryGetInt64(out var id))
        {
            return Invalid(errors);
        }

        key = (keys[0].GetString()!, id);
        return true;
    }

    /// <summary>
    /// Cuts the <paramref name="limit"/> + 1 rows a query fetched down to one page; the extra row only says that
    /// another page exists, and the cursor points after the last row shown.
    /// </summary>
    public static Page<T> ToPage<T>(List<T> rows, int limit, Func<T, string> cursorOf)
    {
        if (rows.Count <= limit)
        {
            return new Page<T>(rows, null);
        }

        rows.RemoveRange(limit, rows.Count - limit);
        return new Page<T>(rows, cursorOf(rows[^1]));
    }

    private static bool Invalid(FieldErrors errors)
    {
        errors.Add("after", "Is not a cursor from this list; pass the 'next' value of the previous page unchanged.");
        return false;
    }
}
