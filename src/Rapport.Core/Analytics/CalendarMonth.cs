namespace Rapport.Analytics;

/// <summary>
/// A calendar month as one int, <c>year × 12 + (month − 1)</c>, so months of millions of purchases cost four bytes
/// each and subtracting two months gives the months between them. Which month a purchase falls in (the business's
/// time zone) is the caller's decision.
/// </summary>
public readonly record struct CalendarMonth : IComparable<CalendarMonth>
{
    private CalendarMonth(int index) => Index = index;

    /// <summary>Months since January of year 0: <c>year × 12 + (month − 1)</c>.</summary>
    public int Index { get; }

    public int Year => Index / 12;

    /// <summary>1 (January) to 12.</summary>
    public int Month => Index % 12 + 1;

    public DateOnly Start => new(Year, Month, 1);

    public static CalendarMonth Of(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        return new CalendarMonth(year * 12 + month - 1);
    }

    public static CalendarMonth Of(DateOnly day) => new(day.Year * 12 + day.Month - 1);

    public CalendarMonth AddMonths(int months) => FromIndex(Index + months);

    public static CalendarMonth FromIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 12);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 9999 * 12 + 11);
        return new CalendarMonth(index);
    }

    /// <summary>Months from <paramref name="earlier"/> to <paramref name="later"/>: March minus January is 2.</summary>
    public static int operator -(CalendarMonth later, CalendarMonth earlier) => later.Index - earlier.Index;

    public static bool operator <(CalendarMonth left, CalendarMonth right) => left.Index < right.Index;

    public static bool operator >(CalendarMonth left, CalendarMonth right) => left.Index > right.Index;

    public static bool operator <=(CalendarMonth left, CalendarMonth right) => left.Index <= right.Index;

    public static bool operator >=(CalendarMonth left, CalendarMonth right) => left.Index >= right.Index;

    public int CompareTo(CalendarMonth other) => Index.CompareTo(other.Index);

    /// <summary>ISO 8601 year and month, e.g. <c>2025-03</c>.</summary>
    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
