using System.Net.Mail;
using FsCheck;
using FsCheck.Fluent;
using Rapport.Common;

namespace Rapport.Tests.Validation;

/// <summary>Validate.IsEmail checks the everyday shape by hand and the rest with MailAddress: both must agree with MailAddress alone.</summary>
public sealed class EmailValidationTests
{
    /// <summary>The rule before the hand-written fast path: shape checks, then MailAddress must parse it unchanged.</summary>
    private static bool Reference(string value)
    {
        if (value.Length > 254 || value.Contains(' ', StringComparison.Ordinal) || value.Count(c => c == '@') != 1)
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at < 1 || at == value.Length - 1 || !value[(at + 1)..].Contains('.', StringComparison.Ordinal) || value.EndsWith('.'))
        {
            return false;
        }

        return MailAddress.TryCreate(value, out var parsed) && parsed.Address == value;
    }

    [Theory]
    [InlineData("ana@example.com", true)]
    [InlineData("Ana.Lopez+news@mail.example.co.uk", true)]
    [InlineData("o'brien@example.ie", true)]
    [InlineData("a!#$%&'*+/=?^_`{|}~-z@example.com", true)]
    [InlineData("x@a-b.example", true)]
    [InlineData("x@1.2", true)]
    [InlineData(".ana@example.com", false)]
    [InlineData("ana.@example.com", true)] // MailAddress accepts it, so the rule always has
    [InlineData("an..a@example.com", false)]
    [InlineData("ana@example", false)]
    [InlineData("ana@@example.com", false)]
    [InlineData("ana@example..com", false)]
    [InlineData("ana@-example.com", true)] // likewise
    [InlineData("ana@example.com.", false)]
    [InlineData("ana lopez@example.com", false)]
    [InlineData("josé@example.com", true)]
    [InlineData("\"quoted\"@example.com", true)]
    public void Known_addresses(string address, bool valid)
    {
        Validate.IsEmail(address).Should().Be(valid);
        Validate.IsEmail(address).Should().Be(Reference(address), "the fast path must agree with MailAddress");
    }

    [Fact]
    public void Agrees_with_MailAddress_on_generated_addresses()
    {
        const string Local = "aZ09.!#$%&'*+/=?^_`{|}~-\"(),:;<>[\\]é ";
        const string Domain = "aZ09-._[]é";
        var part = (string alphabet, int max) => Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), n)).Select(c => new string(c));
        var address = part(Local, 12).SelectMany(l => part(Domain, 12).Select(d => $"{l}@{d}"));
        // Mostly plain shapes (what the fast path accepts), with the odd character the full check must judge.
        var label = part("aZ09-", 5);
        var plain = part("aZ09.!#$%&'*+/=?^_`{|}~-", 10).SelectMany(l =>
            Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(label, n)).Select(labels => $"{l}@{string.Join('.', labels)}"));
        var config = Config.QuickThrowOnFailure.WithMaxTest(5000);
        Check.One(config, Prop.ForAll(address.ToArbitrary(), a => Validate.IsEmail(a) == Reference(a)));
        Check.One(config, Prop.ForAll(plain.ToArbitrary(), a => Validate.IsEmail(a) == Reference(a)));
    }
}
