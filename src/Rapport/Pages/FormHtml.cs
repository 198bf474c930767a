using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Rapport.Pages;

/// <summary>
/// One labelled form control with its hint and error message wired up for screen readers
/// (<c>aria-describedby</c>, <c>aria-invalid</c>), so every form on every page looks and behaves the same.
/// </summary>
public static class FormHtml
{
    public sealed record Options
    {
        public string Type { get; init; } = "text";
        public string? Hint { get; init; }
        public bool Required { get; init; }
        public bool Autofocus { get; init; }
        public string? Autocomplete { get; init; }
        public int? MaxLength { get; init; }
        public string? CssClass { get; init; }
        public IReadOnlyList<(string Value, string Label)>? Choices { get; init; }
        public int Rows { get; init; } = 4;
    }

    public static IHtmlContent Field(string id, string name, string label, string? value, string? error, Options? options = null)
    {
        options ??= new Options();
        var e = HtmlEncoder.Default;
        var hintId = options.Hint is null ? null : id + "-hint";
        var errorId = error is null ? null : id + "-error";
        var describedBy = string.Join(' ', new[] { hintId, errorId }.Where(x => x is not null));
        var attributes = $" id=\"{e.Encode(id)}\" name=\"{e.Encode(name)}\"" +
            (describedBy.Length > 0 ? $" aria-describedby=\"{describedBy}\"" : "") +
            (error is null ? "" : " aria-invalid=\"true\"") +
            (options.Required ? " required" : "") +
            (options.Autofocus ? " autofocus" : "") +
            (options.Autocomplete is null ? "" : $" autocomplete=\"{e.Encode(options.Autocomplete)}\"") +
            (options.MaxLength is null ? "" : $" maxlength=\"{options.MaxLength}\"");

        string control;
        if (options.Choices is not null)
        {
            var choices = string.Concat(options.Choices.Select(c =>
                $"<option value=\"{e.Encode(c.Value)}\"{(c.Value == (value ?? "") ? " selected" : "")}>{e.Encode(c.Label)}</option>"));
            control = $"<select{attributes}>{choices}</select>";
        }
        else if (options.Type == "textarea")
        {
            control = $"<textarea{attributes} rows=\"{options.Rows}\">{e.Encode(value ?? "")}</textarea>";
        }
        else
        {
            control = $"<input type=\"{e.Encode(options.Type)}\"{attributes} value=\"{e.Encode(value ?? "")}\">";
        }

        var html = $"<div class=\"form-row{(options.CssClass is null ? "" : " " + options.CssClass)}\">" +
            $"<label for=\"{e.Encode(id)}\">{e.Encode(label)}</label>" +
            control +
            (hintId is null ? "" : $"<span class=\"hint\" id=\"{hintId}\">{e.Encode(options.Hint!)}</span>") +
            (errorId is null ? "" : $"<span class=\"field-error\" id=\"{errorId}\">{e.Encode(error!)}</span>") +
            "</div>";
        return new HtmlString(html);
    }

    /// <summary>Errors that belong to no field of the form (conflicts, not-found), as one alert.</summary>
    public static IHtmlContent Summary(IReadOnlyDictionary<string, string[]> errors, IEnumerable<string> shownFields, string? message = null)
    {
        var shown = shownFields.ToHashSet(StringComparer.Ordinal);
        var rest = errors.Where(x => !shown.Contains(x.Key)).SelectMany(x => x.Value).ToList();
        if (message is not null)
        {
            rest.Insert(0, message);
        }

        if (rest.Count == 0 && errors.Count == 0)
        {
            return HtmlString.Empty;
        }

        var e = HtmlEncoder.Default;
        var text = rest.Count == 0 ? "Some fields need your attention; see the messages below them." : string.Join(" ", rest.Distinct());
        return new HtmlString($"<div class=\"alert alert-danger\" role=\"alert\"><p>{e.Encode(text)}</p></div>");
    }
}
