using System.Collections.Frozen;

namespace Rapport.Imports.Csv;

/// <summary>The order of day, month and year a date format uses.</summary>
public enum DateOrder
{
    /// <summary>ISO 8601: <c>2024-03-05</c>, <c>2024-03-05T14:30:00+01:00</c>.</summary>
    Iso,
    /// <summary><c>yyyyMMdd</c> (as in the CDNOW data set).</summary>
    Compact,
    /// <summary><c>yyyy/MM/dd</c> (or with dots).</summary>
    YearMonthDay,
    /// <summary><c>dd/MM/yyyy</c>, <c>dd.MM.yyyy</c>, <c>dd-MM-yyyy</c>.</summary>
    DayMonthYear,
    /// <summary><c>MM/dd/yyyy</c>, <c>MM-dd-yyyy</c>.</summary>
    MonthDayYear,
    /// <summary>A month name: <c>5-Mar-2024</c>, <c>5 March 2024</c>, <c>March 5, 2024</c>.</summary>
    MonthName,
    /// <summary>
    /// A spreadsheet serial number (days since 1899-12-30, a fraction is the time of day): what a date cell becomes
    /// when a sheet is saved as CSV with the column formatted as a number. Only 5-digit serials (1927–2173) count.
    /// </summary>
    ExcelSerial,
}

/// <summary>
/// A date format of an import file, named as people write it (<c>dd/MM/yyyy</c>). Every format also accepts ISO 8601
/// values, and every format takes an optional time after the date (<c>14:30</c>, <c>14:30:15</c>, <c>2:30 PM</c>, with
/// an optional offset <c>Z</c>, <c>+01:00</c>, <c>+0100</c>, <c>UTC</c>); an instant without an offset is UTC.
/// Two-digit years are read as Excel does: 00–29 → 2000–2029, 30–99 → 1930–1999.
/// </summary>
public sealed record DateFormat(string Name, DateOrder Order)
{
    public static readonly DateFormat Iso = new("iso", DateOrder.Iso);
    public static readonly DateFormat Compact = new("yyyyMMdd", DateOrder.Compact);
    public static readonly DateFormat YearMonthDay = new("yyyy/MM/dd", DateOrder.YearMonthDay);
    public static readonly DateFormat DayMonthYear = new("dd/MM/yyyy", DateOrder.DayMonthYear);
    public static readonly DateFormat MonthDayYear = new("MM/dd/yyyy", DateOrder.MonthDayYear);
    public static readonly DateFormat DayMonthYearDots = new("dd.MM.yyyy", DateOrder.DayMonthYear);
    public static readonly DateFormat DayMonthYearDashes = new("dd-MM-yyyy", DateOrder.DayMonthYear);
    public static readonly DateFormat MonthDayYearDashes = new("MM-dd-yyyy", DateOrder.MonthDayYear);
    public static readonly DateFormat MonthName = new("d-MMM-yyyy", DateOrder.MonthName);
    public static readonly DateFormat ExcelSerial = new("excel", DateOrder.ExcelSerial);

    /// <summary>The formats detection chooses from, in order of preference on a tie.</summary>
    public static IReadOnlyList<DateFormat> All { get; } =
        [Iso, Compact, YearMonthDay, DayMonthYear, MonthDayYear, DayMonthYearDots, DayMonthYearDashes, MonthDayYearDashes, MonthName, ExcelSerial];

    /// <summary>The default when every sampled value fits both day-first and month-first (all days ≤ 12).</summary>
    public static DateFormat AmbiguousDefault => DayMonthYear;

    private static readonly FrozenDictionary<string, DateFormat> Names = new Dictionary<string, DateFormat>(StringComparer.OrdinalIgnoreCase)
    {
        ["iso"] = Iso, ["iso8601"] = Iso, ["iso-8601"] = Iso, ["yyyy-MM-dd"] = Iso, ["yyyy-MM-ddTHH:mm:ss"] = Iso, ["ymd"] = YearMonthDay,
        ["yyyyMMdd"] = Compact, ["compact"] = Compact,
        ["yyyy/MM/dd"] = YearMonthDay, ["yyyy.MM.dd"] = YearMonthDay,
        ["dd/MM/yyyy"] = DayMonthYear, ["d/M/yyyy"] = DayMonthYear, ["dd/MM/yy"] = DayMonthYear, ["dmy"] = DayMonthYear,
        ["day-first"] = DayMonthYear, ["dayfirst"] = DayMonthYear,
        ["MM/dd/yyyy"] = MonthDayYear, ["M/d/yyyy"] = MonthDayYear, ["MM/dd/yy"] = MonthDayYear, ["mdy"] = MonthDayYear,
        ["month-first"] = MonthDayYear, ["monthfirst"] = MonthDayYear,
        ["dd.MM.yyyy"] = DayMonthYearDots, ["d.M.yyyy"] = DayMonthYearDots, ["dd.MM.yy"] = DayMonthYearDots,
        ["dd-MM-yyyy"] = DayMonthYearDashes, ["MM-dd-yyyy"] = MonthDayYearDashes,
        ["d-MMM-yyyy"] = MonthName, ["dd-MMM-yyyy"] = MonthName, ["d MMM yyyy"] = MonthName, ["dd MMM yyyy"] = MonthName,
        ["MMM d, yyyy"] = MonthName, ["d-MMM-yy"] = MonthName,
        ["excel"] = ExcelSerial, ["serial"] = ExcelSerial,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Resolves an override; a time part in the name ("dd/MM/yyyy HH:mm") is accepted and ignored (times are always optional).</summary>
    public static bool TryParse(string? name, out DateFormat format, out string? problem)
    {
        problem = null;
        var key = (name ?? "").Trim();
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        if (Names.TryGetValue(key, out format!) || (space > 0 && Names.TryGetValue(key[..space], out format!)))
        {
            return true;
        }

        format = Iso;
        problem = $"\"{CsvText.Clip(key)}\" is not a date format this import reads; use one of {string.Join(", ", All.Select(f => f.Name))}.";
        return false;
    }

    public override string ToString() => Name;
}

/// <summary>What <see cref="DateFormats.Detect"/> found.</summary>
/// <param name="Ambiguous">Every sampled value fits day-first and month-first alike; <see cref="DateFormat.AmbiguousDefault"/> was chosen.</param>
/// <param name="Problem">Why no format fits the samples (with an example), or null.</param>
public sealed record DateFormatDetection(DateFormat Format, bool Detected, bool Ambiguous, int Samples, int Fitting, string? Problem);

/// <summary>Date-format detection and date parsing for import values.</summary>
public static class DateFormats
{
    /// <summary>
    /// Chooses the format that reads the most sample values (non-empty cells of date and instant columns); on a tie the
    /// first of <see cref="DateFormat.All"/>, except that a tie between day-first and month-first is reported ambiguous
    /// and resolved to <see cref="DateFormat.AmbiguousDefault"/>. The separator in the name follows the samples.
    /// </summary>
    public static DateFormatDetection Detect(IEnumerable<string> samples)
    {
        var orders = Enum.GetValues<DateOrder>();
        var fits = new int[orders.Length];
        var count = 0;
        string? firstFailing = null;
        char separator = '\0';
        foreach (var raw in samples)
        {
            var text = raw.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            count++;
            var any = false;
            foreach (var order in orders)
            {
                if (TryParse(text, order, out _, out _))
                {
                    fits[(int)order]++;
                    any = true;
                }
            }

            if (!any)
            {
                firstFailing ??= text;
            }
            else if (separator == '\0' && !TryIsoDate(text, out _, out _) && text.Length >= 6 && char.IsAsciiDigit(text[0]))
            {
                var at = text.AsSpan().IndexOfAny('/', '.', '-');
                separator = at > 0 ? text[at] : '\0';
            }
        }

        if (count == 0)
        {
            return new DateFormatDetection(DateFormat.Iso, false, false, 0, 0, null);
        }

        var max = fits.Max();
        if (max == 0)
        {
            return new DateFormatDetection(DateFormat.Iso, false, false, count, 0,
                $"No date format reads values such as \"{CsvText.Clip(firstFailing ?? "")}\"; give the date format.");
        }

        var bestOrder = orders.First(o => fits[(int)o] == max);
        var ambiguous = bestOrder == DateOrder.DayMonthYear && fits[(int)DateOrder.MonthDayYear] == max
            && fits[(int)DateOrder.Iso] < max;
        var format = Named(bestOrder, separator);
        var problem = max < count
            ? $"{count - max} of {count} sampled dates do not fit {format.Name}, such as \"{CsvText.Clip(firstFailing ?? "")}\"."
            : null;
        return new DateFormatDetection(format, true, ambiguous, count, max, problem);
    }

    private static DateFormat Named(DateOrder order, char separator) => order switch
    {
        DateOrder.DayMonthYear when separator == '.' => DateFormat.DayMonthYearDots,
        DateOrder.DayMonthYear when separator == '-' => DateFormat.DayMonthYearDashes,
        DateOrder.DayMonthYear => DateFormat.DayMonthYear,
        DateOrder.MonthDayYear when separator == '-' => DateFormat.MonthDayYearDashes,
        DateOrder.MonthDayYear => DateFormat.MonthDayYear,
        DateOrder.Compact => DateFormat.Compact,
        DateOrder.YearMonthDay => DateFormat.YearMonthDay,
        DateOrder.MonthName => DateFormat.MonthName,
        DateOrder.ExcelSerial => DateFormat.ExcelSerial,
        _ => DateFormat.Iso,
    };

    /// <summary>
    /// Reads a date with an optional time and offset. <paramref name="offset"/> is null when the value has none.
    /// ISO 8601 values are accepted whatever the order.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, DateOrder order, out DateTime local, out TimeSpan? offset)
    {
        local = default;
        offset = null;
        text = text.Trim();
        if (order == DateOrder.ExcelSerial && TrySerial(text, out local))
        {
            return true;
        }
        if (!TryDate(text, order, out var date, out var used))
        {
            return false;
        }

        var rest = text[used..];
        if (rest.IsEmpty)
        {
            local = date.ToDateTime(TimeOnly.MinValue);
            return true;
        }

        // ISO 8601 joins date and time with a T; everything else with spaces.
        if ((rest[0] is 'T' or 't' && used == 10 && text[4] == '-') || rest[0] == ' ')
        {
            rest = rest[1..].TrimStart();
        }
        else if (rest[0] is 'Z' or 'z' or '+' or '-')
        {
            // A date with an offset and no time (rare, allowed by ISO 8601 profiles).
            if (!TryOffset(rest, out var dateOffset))
            {
                return false;
            }

            local = date.ToDateTime(TimeOnly.MinValue);
            offset = dateOffset;
            return true;
        }
        else
        {
            return false;
        }

        if (!TryTime(rest, out var time, out var timeOffset))
        {
            return false;
        }

        local = date.ToDateTime(time);
        offset = timeOffset;
        return true;
    }

    private static bool TrySerial(ReadOnlySpan<char> s, out DateTime local)
    {
        local = default;
        var point = s.IndexOfAny('.', ',');
        var days = point < 0 ? s : s[..point];
        if (days.Length != 5 || days.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        var fraction = 0d;
        if (point >= 0)
        {
            var digits = s[(point + 1)..];
            if (digits.IsEmpty || digits.Length > 15 || digits.ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            fraction = double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) / Math.Pow(10, digits.Length);
        }

        // Whole seconds: the serial's binary fraction never lands exactly on them.
        var seconds = Math.Round(fraction * 86_400);
        local = new DateTime(1899, 12, 30).AddDays(int.Parse(days, System.Globalization.CultureInfo.InvariantCulture)).AddSeconds(seconds);
        return true;
    }

    private static bool TryDate(ReadOnlySpan<char> s, DateOrder order, out DateOnly date, out int used)
    {
        if (TryIsoDate(s, out date, out used))
        {
            return true;
        }

        switch (order)
        {
            case DateOrder.Iso:
                return false;
            case DateOrder.Compact:
                used = 8;
                return s.Length >= 8 && (s.Length == 8 || !char.IsAsciiDigit(s[8]))
                    && Digits(s, 0, 4, out var cy) && Digits(s, 4, 2, out var cm) && Digits(s, 6, 2, out var cd)
                    && Make(cy, cm, cd, out date);
            case DateOrder.YearMonthDay:
            {
                var i = 0;
                return Number(s, ref i, 4, 4, out var y) && Sep(s, ref i, out var sep) && sep is '/' or '.'
                    && Number(s, ref i, 1, 2, out var m) && Sep(s, ref i, out var sep2) && sep2 == sep
                    && Number(s, ref i, 1, 2, out var d) && Make(y, m, d, out date) && Done(i, out used);
            }

            case DateOrder.DayMonthYear or DateOrder.MonthDayYear:
            {
                var i = 0;
                if (!Number(s, ref i, 1, 2, out var a) || !Sep(s, ref i, out var sep) || sep is not ('/' or '.' or '-')
                    || !Number(s, ref i, 1, 2, out var b) || !Sep(s, ref i, out var sep2) || sep2 != sep
                    || !Year(s, ref i, out var y))
                {
                    return false;
                }

                var (d, m) = order == DateOrder.DayMonthYear ? (a, b) : (b, a);
                return Make(y, m, d, out date) && Done(i, out used);
            }

            case DateOrder.MonthName:
                return TryMonthName(s, out date, out used);
            default:
                return false;
        }
    }

    private static bool TryIsoDate(ReadOnlySpan<char> s, out DateOnly date, out int used)
    {
        date = default;
        used = 10;
        return s.Length >= 10 && s[4] == '-' && s[7] == '-' && (s.Length == 10 || !char.IsAsciiDigit(s[10]))
            && Digits(s, 0, 4, out var y) && Digits(s, 5, 2, out var m) && Digits(s, 8, 2, out var d) && Make(y, m, d, out date);
    }

    private static bool TryMonthName(ReadOnlySpan<char> s, out DateOnly date, out int used)
    {
        date = default;
        used = 0;
        var i = 0;
        int day, month, year;
        if (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            // 5-Mar-2024, 05 March 2024, 5.Mar.24
            if (!Number(s, ref i, 1, 2, out day) || !Sep(s, ref i, out _) || !MonthWord(s, ref i, out month) || !Sep(s, ref i, out _) || !Year(s, ref i, out year))
            {
                return false;
            }
        }
        else
        {
            // March 5, 2024 / Mar 5 2024
            if (!MonthWord(s, ref i, out month) || !Sep(s, ref i, out _) || !Number(s, ref i, 1, 2, out day))
            {
                return false;
            }

            if (i < s.Length && s[i] == ',')
            {
                i++;
            }

            if (!Sep(s, ref i, out _) && (i >= s.Length || !char.IsAsciiDigit(s[i])))
            {
                return false;
            }

            if (!Year(s, ref i, out year))
            {
                return false;
            }
        }

        return Make(year, month, day, out date) && Done(i, out used);
    }

    private static readonly FrozenDictionary<string, int> Months = new Dictionary<string, int>
    {
        ["jan"] = 1, ["january"] = 1, ["feb"] = 2, ["february"] = 2, ["mar"] = 3, ["march"] = 3, ["apr"] = 4, ["april"] = 4,
        ["may"] = 5, ["jun"] = 6, ["june"] = 6, ["jul"] = 7, ["july"] = 7, ["aug"] = 8, ["august"] = 8, ["sep"] = 9, ["sept"] = 9,
        ["september"] = 9, ["oct"] = 10, ["october"] = 10, ["nov"] = 11, ["november"] = 11, ["dec"] = 12, ["december"] = 12,
    }.ToFrozenDictionary();

    private static bool MonthWord(ReadOnlySpan<char> s, ref int i, out int month)
    {
        month = 0;
        var start = i;
        while (i < s.Length && char.IsAsciiLetter(s[i]))
        {
            i++;
        }

        if (i - start is < 3 or > 9)
        {
            return false;
        }

        Span<char> lower = stackalloc char[i - start];
        s[start..i].ToLowerInvariant(lower);
        if (i < s.Length && s[i] == '.')
        {
            i++; // "Mar." abbreviation
        }

        return Months.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lower, out month);
    }

    private static bool Year(ReadOnlySpan<char> s, ref int i, out int year)
    {
        var start = i;
        if (!Number(s, ref i, 2, 4, out year) || i - start == 3)
        {
            return false;
        }

        if (i - start == 2)
        {
            year += year < 30 ? 2000 : 1900;
        }

        return true;
    }

    private static bool TryTime(ReadOnlySpan<char> s, out TimeOnly time, out TimeSpan? offset)
    {
        time = default;
        offset = null;
        var i = 0;
        if (!Number(s, ref i, 1, 2, out var hour) || i >= s.Length || s[i] != ':')
        {
            return false;
        }

        i++;
        if (!Number(s, ref i, 2, 2, out var minute))
        {
            return false;
        }

        int second = 0;
        long ticks = 0;
        if (i < s.Length && s[i] == ':')
        {
            i++;
            if (!Number(s, ref i, 2, 2, out second))
            {
                return false;
            }

            if (i < s.Length && s[i] is '.' or ',')
            {
                i++;
                var start = i;
                long scale = TimeSpan.TicksPerSecond;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    scale /= 10;
                    ticks += (s[i] - '0') * scale;
                    i++;
                }

                if (i == start)
                {
                    return false;
                }
            }
        }

        var rest = s[i..].TrimStart();
        if (rest.Length >= 2 && char.ToUpperInvariant(rest[1]) == 'M' && char.ToUpperInvariant(rest[0]) is 'A' or 'P')
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }

            var pm = char.ToUpperInvariant(rest[0]) == 'P';
            hour = hour % 12 + (pm ? 12 : 0);
            rest = rest[2..].TrimStart();
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        time = new TimeOnly(hour, minute, second).Add(TimeSpan.FromTicks(ticks));
        if (rest.IsEmpty)
        {
            return true;
        }

        if (!TryOffset(rest, out var parsed))
        {
            return false;
        }

        offset = parsed;
        return true;
    }

    private static bool TryOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (s is "Z" or "z" || s.Equals("UTC", StringComparison.OrdinalIgnoreCase) || s.Equals("GMT", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (s.Length >= 4 && (s.StartsWith("UTC", StringComparison.OrdinalIgnoreCase) || s.StartsWith("GMT", StringComparison.OrdinalIgnoreCase)))
        {
            s = s[3..];
        }

        if (s.Length < 3 || s[0] is not ('+' or '-'))
        {
            return false;
        }

        var sign = s[0] == '-' ? -1 : 1;
        var i = 3;
        if (!Digits(s, 1, 2, out var hours))
        {
            return false;
        }

        var minutes = 0;
        if (i < s.Length)
        {
            if (s[i] == ':')
            {
                i++;
            }

            if (i + 2 > s.Length || !Digits(s, i, 2, out minutes))
            {
                return false;
            }

            i += 2;
        }

        if (i != s.Length || hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = sign * new TimeSpan(hours, minutes, 0);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int at, int length, out int value)
    {
        value = 0;
        for (var k = at; k < at + length; k++)
        {
            if (!char.IsAsciiDigit(s[k]))
            {
                return false;
            }

            value = value * 10 + (s[k] - '0');
        }

        return true;
    }

    private static bool Number(ReadOnlySpan<char> s, ref int i, int min, int max, out int value)
    {
        value = 0;
        var start = i;
        while (i < s.Length && i - start < max && char.IsAsciiDigit(s[i]))
        {
            value = value * 10 + (s[i] - '0');
            i++;
        }

        var length = i - start;
        return length >= min && (i >= s.Length || !char.IsAsciiDigit(s[i]));
    }

    private static bool Sep(ReadOnlySpan<char> s, ref int i, out char separator)
    {
        separator = '\0';
        if (i >= s.Length || s[i] is not ('/' or '.' or '-' or ' '))
        {
            return false;
        }

        separator = s[i];
        i++;
        return true;
    }

    private static bool Done(int i, out int used)
    {
        used = i;
        return true;
    }

    private static bool Make(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }
}
