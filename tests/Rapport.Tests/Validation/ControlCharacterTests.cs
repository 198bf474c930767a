using Rapport.Common;

namespace Rapport.Tests.Validation;

public sealed class ControlCharacterTests
{
    [Fact]
    public void HasControl_agrees_with_char_IsControl_for_every_UTF16_unit()
    {
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            Validate.HasControl($"ab{c}cd").Should().Be(char.IsControl(c), $"U+{(int)c:X4}");
        }
    }

    [Theory]
    [InlineData("plain text", false)]
    [InlineData("two\nlines", true)]
    [InlineData("tab\there", true)]
    [InlineData("", false)]
    public void Single_line_text_rejects_control_characters(string value, bool rejected)
    {
        var errors = new FieldErrors();
        TextRules.SingleLine(errors, "name", value, 100);
        errors.Any.Should().Be(rejected);
    }

    [Theory]
    [InlineData("two\r\nlines\tand a tab", false)]
    [InlineData("bell\a", true)]
    [InlineData("next line\u0085", true)]
    public void Multi_line_text_allows_line_breaks_and_tabs_only(string value, bool rejected)
    {
        var errors = new FieldErrors();
        TextRules.MultiLine(errors, "notes", value, 100);
        errors.Any.Should().Be(rejected);
    }
}
