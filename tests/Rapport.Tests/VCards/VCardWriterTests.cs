using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rapport.VCards;

namespace Rapport.Tests.VCards;

public sealed class VCardWriterTests
{
    private static readonly VCardContact Jose = new()
    {
        Uid = "8D1F6C5A-0B7E-4C2F-9E55-1E2A3B4C5D6E",
        FirstName = "José",
        LastName = "Müller-Łukasiewicz",
        DisplayName = "José Müller-Łukasiewicz",
        Email = "jose@lukasiewicz-soehne.example",
        Phone = "+49 170 1234567",
        Street = "Friedrichstraße 123, Hinterhaus; 2. OG",
        City = "Berlin",
        PostalCode = "10117",
        Country = "DE",
        BirthDate = new DateOnly(1978, 3, 14),
        Language = "de",
        Company = "Łukasiewicz & Söhne GmbH",
        Tags = ["vip", "trade fair, 2023"],
        Revision = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Writes_vcard_4_0_with_escaping_crlf_and_the_country_name()
    {
        var text = VCardWriter.ToText(Jose);

        text.Should().Be(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//Rapport//Rapport customer export//EN\r\nUID:8D1F6C5A-0B7E-4C2F-9E55-1E2A3B4C5D6E\r\n" +
            "KIND:individual\r\nFN:José Müller-Łukasiewicz\r\nN:Müller-Łukasiewicz;José;;;\r\nEMAIL;PREF=1:jose@lukasiewicz-soehne.example\r\n" +
            "TEL;TYPE=voice;PREF=1:+49 170 1234567\r\n" +
            "ADR;CC=DE:;;Friedrichstraße 123\\, Hinterhaus\\; 2. OG;Berlin;;10117;Germany\r\n" +
            "ORG:Łukasiewicz & Söhne GmbH\r\nBDAY:19780314\r\nLANG:de\r\nCATEGORIES:vip,trade fair\\, 2023\r\nREV:20240301T120000Z\r\nEND:VCARD\r\n");
    }

    [Fact]
    public void Writes_vcard_3_0_on_request()
    {
        var text = VCardWriter.ToText(Jose with { FirstName = null, LastName = null, DisplayName = "jose@lukasiewicz-soehne.example" }, VCardVersion.V3);

        text.Should().Contain("VERSION:3.0\r\n").And.Contain("FN:jose@lukasiewicz-soehne.example\r\nN:;;;;\r\n")
            .And.Contain("EMAIL;TYPE=INTERNET,PREF:jose@lukasiewicz-soehne.example\r\n").And.Contain("BDAY:1978-03-14\r\n")
            .And.Contain("ADR;TYPE=PREF:;;").And.Contain("REV:2024-03-01T12:00:00Z\r\n")
            .And.NotContain("LANG").And.NotContain("KIND");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("é")]
    [InlineData("田")]
    [InlineData("😀")]
    public void Folds_at_75_octets_without_splitting_a_character(string unit)
    {
        var note = string.Concat(Enumerable.Repeat(unit, 200));
        var text = VCardWriter.ToText(Jose with { Company = note });
        var bytes = Encoding.UTF8.GetBytes(text);

        var lines = Split(bytes);
        lines.Should().OnlyContain(l => l.Length <= VCardWriter.MaxLineOctets);
        var org = lines.SkipWhile(l => !Encoding.UTF8.GetString(l).StartsWith("ORG:", StringComparison.Ordinal)).ToList();
        org.Count.Should().BeGreaterThan(1);
        foreach (var line in org.Skip(1).TakeWhile(l => l.Length > 0 && l[0] == (byte)' '))
        {
            line.Length.Should().BeGreaterThan(1);
            ((line[1] & 0xC0) == 0x80).Should().BeFalse("a continuation must not start inside a UTF-8 sequence");
            var decoded = new UTF8Encoding(false, true).GetString(line);
            decoded.Should().NotContain("\uFFFD");
        }
    }

    [Fact]
    public async Task A_written_card_reads_back_to_the_same_customer()
    {
        foreach (var version in new[] { VCardVersion.V4, VCardVersion.V3 })
        {
            var record = (await VCardReaderTests.ReadAsync(VCardWriter.ToText(Jose, version))).Single();

            record.Error.Should().BeNull();
            var c = record.Customer!;
            c.ExternalId.Should().Be(Jose.Uid);
            (c.FirstName, c.LastName, c.Email, c.Phone).Should().Be((Jose.FirstName, Jose.LastName, Jose.Email, Jose.Phone));
            (c.Street, c.City, c.PostalCode, c.Country).Should().Be((Jose.Street, Jose.City, Jose.PostalCode, "DE"));
            c.BirthDate.Should().Be(Jose.BirthDate);
            c.CompanyName.Should().Be(Jose.Company);
            c.Tags.Should().Equal(Jose.Tags);
            c.Language.Should().Be(version == VCardVersion.V4 ? "de" : null, "3.0 has no LANG property");
            record.Note.Should().BeNull("everything on a written card maps to a customer field");
        }
    }

    [Fact]
    public void Property_any_text_survives_write_then_read()
    {
        // Text from every corner that matters: escapes, separators, line breaks, accents, CJK, emoji, leading spaces.
        var pieces = new[] { "a", "Z", "é", "Ł", "田中", "😀", ",", ";", "\\", ":", "\"", "\n", "\r\n", " ", "=", "+", "'", "\\n", "x\\,y", "-" };
        var text = Gen.Choose(1, 40).SelectMany(n => Gen.ArrayOf(Gen.Elements(pieces), n)).Select(p => string.Concat(p));
        Prop.ForAll(text.ToArbitrary(), text.ToArbitrary(), (name, company) =>
        {
            var contact = Jose with { FirstName = "Ann", LastName = "Lee", Company = company, Street = name, Tags = [] };
            var record = VCardReaderTests.ReadAsync(VCardWriter.ToText(contact)).GetAwaiter().GetResult().Single();
            var expectedCompany = Flatten(company);
            var expectedStreet = string.Join(", ", name.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(Flatten).Where(s => s.Length > 0));
            return record.Customer is { } c &&
                   c.CompanyName == (expectedCompany.Length == 0 ? null : expectedCompany) &&
                   c.Street == (expectedStreet.Length == 0 ? null : expectedStreet);
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>What the reader keeps of one-line text: line breaks and runs of spaces become one space, trimmed.</summary>
    private static string Flatten(string value) => string.Join(' ', value.Split([' ', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Escapes_backslash_comma_semicolon_and_line_breaks()
    {
        VCardWriter.Escape("a\\b,c;d\r\ne\nf\rg").Should().Be("a\\\\b\\,c\\;d\\ne\\nf\\ng");
    }

    private static List<byte[]> Split(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 2;
                i++;
            }
        }

        return lines;
    }
}
