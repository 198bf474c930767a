using System.Text;
using Rapport.Interactions;
using Rapport.VCards;

namespace Rapport.Tests.VCards;

public sealed class VCardReaderTests
{
    internal static async Task<List<VCardRecord>> ReadAsync(byte[] bytes, VCardReadPosition? start = null)
    {
        using var stream = new MemoryStream(bytes);
        var records = new List<VCardRecord>();
        await foreach (var record in VCardReader.ReadAsync(stream, start))
        {
            records.Add(record);
        }

        return records;
    }

    internal static Task<List<VCardRecord>> ReadAsync(string text) => ReadAsync(Encoding.UTF8.GetBytes(text));

    internal static Task<List<VCardRecord>> SampleAsync(string name) =>
        ReadAsync(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "VCards", "Samples", name)));

    [Fact]
    public async Task Apple_contacts_3_0_with_folded_lines_several_emails_and_a_photo()
    {
        var records = await SampleAsync("apple-contacts.vcf");

        records.Should().HaveCount(3);
        records.Should().OnlyContain(r => r.Error == null);
        var jose = records[0].Customer!;
        jose.FirstName.Should().Be("José");
        jose.LastName.Should().Be("Müller-Łukasiewicz");
        jose.Email.Should().Be("jose@lukasiewicz-soehne.example", "the work address is marked type=pref");
        jose.Phone.Should().Be("+49 170 1234567");
        jose.Street.Should().Be("Friedrichstraße 123");
        jose.City.Should().Be("Berlin");
        jose.PostalCode.Should().Be("10117");
        jose.Country.Should().Be("DE", "Deutschland is resolved to its ISO code");
        jose.CompanyName.Should().Be("Łukasiewicz & Söhne GmbH");
        jose.BirthDate.Should().Be(new DateOnly(1978, 3, 14));
        jose.Tags.Should().Equal("VIP", "Trade fair");
        jose.ExternalId.Should().Be("8D1F6C5A-0B7E-4C2F-9E55-1E2A3B4C5D6E");
        records[0].LineNumber.Should().Be(1);

        var note = records[0].Note!;
        note.Type.Should().Be(InteractionType.Note);
        note.Direction.Should().Be(InteractionDirection.Internal);
        note.Customer.ExternalId.Should().Be(jose.ExternalId);
        note.Notes.Should().StartWith("Met at Hannover Messe 2023, interested in the premium line. Prefers email over phone calls; never call before 10:00.\nAsked for the 2024 catalogue.");
        note.Notes.Should().Contain("Other emails: jose.mueller@example.de (home)");
        note.Notes.Should().Contain("Other phones: +49 30 9876543 (work)");
        note.Notes.Should().Contain("Title: Leiter Vertrieb");
        note.Notes.Should().Contain("Department: Vertrieb");
        note.Notes.Should().Contain("Website: https://lukasiewicz-soehne.example");
        note.Notes.Should().NotContain("/9j/", "photos are never copied anywhere");

        records[0].Raw.Should().Contain("PHOTO;ENCODING=b;TYPE=JPEG:(").And.Contain("bytes omitted)");
        records[0].Raw.Length.Should().BeLessThan(2500);

        var chiamaka = records[1].Customer!;
        chiamaka.BirthDate.Should().BeNull("Apple's 1604 means the year is unknown, and a birth date needs one");
        records[1].Note!.Notes.Should().Contain("Birthday (no year): 5 November");
        chiamaka.Street.Should().Be("12 Admiralty Way, Lekki Phase 1");
        chiamaka.Region.Should().Be("Lagos State");
        chiamaka.Country.Should().Be("NG");

        var company = records[2].Customer!;
        company.FirstName.Should().Be("Nordlicht Reisen");
        company.LastName.Should().Be("GmbH");
        company.CompanyName.Should().Be("Nordlicht Reisen GmbH");
        company.Phone.Should().Be("+49 40 555 0100");
        records[2].Note.Should().BeNull();
    }

    [Fact]
    public async Task Google_contacts_with_cjk_names_item_groups_and_escaped_commas()
    {
        var records = await SampleAsync("google-contacts.vcf");

        records.Should().HaveCount(2);
        var akira = records[0].Customer!;
        akira.FirstName.Should().Be("明");
        akira.LastName.Should().Be("田中");
        akira.Email.Should().Be("akira.tanaka@example.jp", "with no preference the first email is chosen");
        akira.Phone.Should().Be("090-1234-5678");
        akira.City.Should().Be("渋谷区");
        akira.Region.Should().Be("東京都");
        akira.Country.Should().Be("JP");
        akira.Tags.Should().Equal("myContacts", "Customers");
        records[0].Note!.Notes.Should().Contain("Other emails: a.tanaka@sakura-trading.example (work); tanaka.akira.private@example.com");

        var priya = records[1].Customer!;
        priya.Street.Should().Be("4th Floor, Prestige Tower, 99 Residency Road");
        priya.Country.Should().Be("IN");
        records[1].Note!.Notes.Should().Be("Referred by Akira.");
    }

    [Fact]
    public async Task Outlook_2_1_in_the_windows_code_page_with_quoted_printable_soft_line_breaks()
    {
        var records = await SampleAsync("outlook.vcf");

        records.Should().ContainSingle();
        var jurgen = records[0].Customer!;
        jurgen.FirstName.Should().Be("Jürgen");
        jurgen.LastName.Should().Be("Schröder");
        jurgen.Email.Should().Be("j.schroeder@haustechnik-hh.example");
        jurgen.Phone.Should().Be("+49 (40) 123456", "the first phone is taken when none is preferred");
        jurgen.Street.Should().Be("Hauptstraße 5, Hinterhaus");
        jurgen.Country.Should().Be("DE");
        records[0].Note!.Notes.Should().StartWith("Wartungsvertrag für die Heizungsanlage, Kündigung nur zum Jahresende möglich.");
        records[0].Note!.Notes.Should().Contain("Title: Geschäftsführer");
        records[0].EndLine.Should().Be(17);
    }

    [Fact]
    public async Task Android_2_1_with_utf8_quoted_printable_a_photo_and_a_card_without_a_name()
    {
        var records = await SampleAsync("android.vcf");

        records.Should().HaveCount(3);
        var zofia = records[0].Customer!;
        zofia.FirstName.Should().Be("Zofia");
        zofia.LastName.Should().Be("Łukasiewicz");
        zofia.Phone.Should().Be("+48 601 234 567", "TEL;CELL;PREF is the preferred phone");
        records[0].Note!.Notes.Should().StartWith("Klientka od 2019 roku, woli telefon przed południem. Bardzo zadowolona z obsługi.");
        records[0].Note!.Notes.Should().Contain("Other phones: +48 22 123 45 67 (home)");

        records[1].Customer.Should().BeNull();
        records[1].Error.Should().Be($"Line {records[1].LineNumber}: the card has no name and no valid email (N, FN or EMAIL is needed).");
        records[1].Raw.Should().Contain("TEL;CELL:+48 600 000 111");

        records[2].Customer!.Email.Should().Be("piotr.nowak@example.pl");
    }

    [Fact]
    public async Task Nextcloud_4_0_preferences_tel_uris_language_and_a_broken_card_in_the_middle()
    {
        var records = await SampleAsync("nextcloud.vcf");

        records.Should().HaveCount(4);
        var aero = records[0].Customer!;
        aero.FirstName.Should().Be("Ærøskøbing");
        aero.LastName.Should().Be("Ødegård-Åberg");
        aero.Email.Should().Be("aero.odegard@example.no", "PREF=1 wins over PREF=2 whatever the order");
        aero.Phone.Should().Be("+47-912-34-567");
        aero.Country.Should().Be("NO", "the CC parameter (RFC 8605) names the country");
        aero.Language.Should().Be("nb-NO");
        aero.BirthDate.Should().BeNull();
        aero.Tags.Should().Equal("Hotel", "Garden, outdoor");
        aero.ExternalId.Should().Be("urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1");
        records[0].Note!.Notes.Should().StartWith("Kunde seit 2015. Bestellt jedes Frühjahr Gartenmöbel für das Hotel „Zur Linde“ – Ansprechpartner für alle Lieferungen nach Österreich und Südtirol.");
        records[0].Note!.Notes.Should().Contain("Birthday (no year): 12 April");

        records[1].Error.Should().StartWith($"Line {records[1].LineNumber}: text outside a card");
        records[1].Raw.Should().Be("this line is outside any card\n");

        records[2].Customer.Should().BeNull();
        records[2].Error.Should().Be($"Line {records[2].LineNumber + 5}: \"this property has no colon\" is not a property (NAME:value); a folded line must start with a space.");

        var lea = records[3].Customer!;
        lea.BirthDate.Should().Be(new DateOnly(1990, 2, 14));
        lea.Country.Should().Be("FR");
        lea.Region.Should().Be("Île-de-France");
    }

    [Fact]
    public async Task Unfolding_joins_bytes_so_a_fold_inside_a_utf8_sequence_is_harmless()
    {
        var name = Encoding.UTF8.GetBytes("FN:Zoë Łukasiewicz-Ñúñez");
        var split = Array.IndexOf(name, (byte)0xC3) + 1; // between the two bytes of ë
        var card = Concat("BEGIN:VCARD\r\nVERSION:4.0\r\n"u8.ToArray(), name[..split], "\r\n "u8.ToArray(), name[split..], "\r\nEND:VCARD\r\n"u8.ToArray());

        var record = (await ReadAsync(card)).Single();

        record.Customer!.FirstName.Should().Be("Zoë");
        record.Customer.LastName.Should().Be("Łukasiewicz-Ñúñez");
    }

    [Fact]
    public async Task Tab_folding_lf_line_ends_bom_and_parameters_in_every_spelling()
    {
        var text = "\uFEFFBEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane\nEMAIL;TYPE=home,work:jane.home@example.com\n" +
                   "EMAIL;TYPE=HOME;TYPE=PREF:jane\n\t.pref@example.com\nTEL;TYPE=\"work,voice\":+1 555 0100\nEND:VCARD\n";

        var record = (await ReadAsync(text)).Single();

        record.Customer!.Email.Should().Be("jane.pref@example.com");
        record.Customer.Phone.Should().Be("+1 555 0100");
        record.Note!.Notes.Should().Be("Other emails: jane.home@example.com (home, work)");
    }

    [Fact]
    public async Task A_card_without_end_is_reported_and_the_next_card_is_still_read()
    {
        var text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:First\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Second Person\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Third\r\n";

        var records = await ReadAsync(text);

        records.Should().HaveCount(3);
        records[0].Error.Should().Be("Line 1: the card has no END:VCARD before the next BEGIN:VCARD on line 4.");
        records[0].EndLine.Should().Be(3);
        records[0].EndOffset.Should().Be("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:First\r\n".Length);
        records[1].Customer!.LastName.Should().Be("Person");
        records[1].LineNumber.Should().Be(4);
        records[2].Error.Should().Be("Line 8: the file ends inside this card (no END:VCARD).");
    }

    [Fact]
    public async Task Group_cards_unknown_versions_and_bad_charsets_are_errors_with_their_line()
    {
        var text = "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Team\nMEMBER:urn:uuid:1\nEND:VCARD\n" +
                   "BEGIN:VCARD\nVERSION:5.0\nFN:Future\nEND:VCARD\n" +
                   "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=klingon-1:Worf\nEND:VCARD\n";

        var records = await ReadAsync(text);

        records.Select(r => r.Error).Should().Equal(
            "Line 1: this card is a contact group (KIND:group), not a person.",
            "Line 7: vCard version 5.0 is not supported (2.1, 3.0 and 4.0 are).",
            "Line 13: unknown CHARSET \"klingon-1\" on FN.");
    }

    [Fact]
    public async Task Birthdays_in_every_form()
    {
        async Task<(DateOnly? Date, string? Note)> Bday(string line)
        {
            var record = (await ReadAsync($"BEGIN:VCARD\nVERSION:4.0\nFN:A B\n{line}\nEND:VCARD\n")).Single();
            return (record.Customer!.BirthDate, record.Note?.Notes);
        }

        (await Bday("BDAY:19850412")).Date.Should().Be(new DateOnly(1985, 4, 12));
        (await Bday("BDAY:1985-04-12")).Date.Should().Be(new DateOnly(1985, 4, 12));
        (await Bday("BDAY:1985-04-12T00:00:00Z")).Date.Should().Be(new DateOnly(1985, 4, 12));
        (await Bday("BDAY:--0412")).Should().Be(((DateOnly?)null, "Birthday (no year): 12 April"));
        (await Bday("BDAY:--04-12")).Should().Be(((DateOnly?)null, "Birthday (no year): 12 April"));
        (await Bday("BDAY;VALUE=text:circa 1800")).Should().Be(((DateOnly?)null, "Birthday: circa 1800"));
        (await Bday("BDAY:1985-02-30")).Should().Be(((DateOnly?)null, "Birthday: 1985-02-30"));
    }

    [Fact]
    public async Task A_one_line_photo_of_twenty_megabytes_is_skipped_in_constant_memory()
    {
        var photo = new byte[20 * 1024 * 1024];
        Array.Fill(photo, (byte)'A');
        var card = Concat("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Big;Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:"u8.ToArray(), photo,
            "\r\nEMAIL:photo@example.com\r\nEND:VCARD\r\n"u8.ToArray());
        using var stream = new MemoryStream(card);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var records = new List<VCardRecord>();
        await foreach (var record in VCardReader.ReadAsync(stream))
        {
            records.Add(record);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        records.Single().Customer!.Email.Should().Be("photo@example.com");
        records[0].Raw.Should().Contain($"PHOTO;ENCODING=b;TYPE=JPEG:({photo.Length:N0} bytes omitted)");
        allocated.Should().BeLessThan(2 * 1024 * 1024, "the reader's buffers are fixed; the photo is counted, not kept");
    }

    [Fact]
    public async Task Folded_photos_cost_the_same_memory_at_one_and_at_eight_megabytes()
    {
        static byte[] Card(int photoBytes)
        {
            var base64 = Convert.ToBase64String(new byte[photoBytes]);
            var folded = new StringBuilder("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Folded Photo\r\nPHOTO:data:image/jpeg;base64,");
            for (var i = 0; i < base64.Length; i += 74)
            {
                folded.Append(i == 0 ? "" : "\r\n ").Append(base64.AsSpan(i, Math.Min(74, base64.Length - i)));
            }

            folded.Append("\r\nEMAIL:folded@example.com\r\nEND:VCARD\r\n");
            return Encoding.ASCII.GetBytes(folded.ToString());
        }

        static async Task<long> AllocatedWhileReadingAsync(byte[] bytes)
        {
            using var stream = new MemoryStream(bytes);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var records = new List<VCardRecord>();
            await foreach (var record in VCardReader.ReadAsync(stream))
            {
                records.Add(record);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            records.Single().Customer!.Email.Should().Be("folded@example.com");
            return allocated;
        }

        await AllocatedWhileReadingAsync(Card(1024));
        var small = await AllocatedWhileReadingAsync(Card(768 * 1024));
        var large = await AllocatedWhileReadingAsync(Card(6 * 1024 * 1024));

        small.Should().BeLessThan(2 * 1024 * 1024, "the reader's buffers are fixed (a 256 KB line buffer and a 64 KB read buffer)");
        (large - small).Should().BeLessThan(64 * 1024, "memory does not grow with the photo");
    }

    [Fact]
    public async Task A_text_property_over_the_limit_rejects_its_card_only()
    {
        var text = $"BEGIN:VCARD\nVERSION:4.0\nFN:Long Note\nNOTE:{new string('x', VCardReader.MaxPropertyBytes + 10)}\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:Short Note\nEND:VCARD\n";

        var records = await ReadAsync(text);

        records[0].Error.Should().Be($"Line 4: the property is longer than {VCardReader.MaxPropertyBytes:N0} bytes.");
        records[0].Raw.Length.Should().BeLessThanOrEqualTo(VCardReader.MaxRawChars + 1);
        records[1].Customer!.FirstName.Should().Be("Short");
    }

    [Fact]
    public async Task Reading_resumes_from_a_records_end_offset_with_the_same_line_numbers()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "VCards", "Samples", "nextcloud.vcf"));
        var all = await ReadAsync(bytes);

        var resumed = await ReadAsync(bytes, new VCardReadPosition(all[1].EndOffset, all[1].EndLine + 1));

        resumed.Should().BeEquivalentTo(all.Skip(2));
        all[^1].EndOffset.Should().Be(bytes.Length);
    }

    [Fact]
    public async Task The_note_id_is_stable_so_a_re_import_updates_the_same_note()
    {
        var first = await SampleAsync("apple-contacts.vcf");
        var second = await SampleAsync("apple-contacts.vcf");

        first[0].Note!.ExternalId.Should().StartWith("vcard-note-").And.Be(second[0].Note!.ExternalId);
        first[0].Note!.ExternalId.Should().NotBe(first[1].Note!.ExternalId);
    }

    [Fact]
    public async Task A_utf16_file_is_reported_instead_of_read_as_garbage()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("BEGIN:VCARD\r\nFN:X\r\nEND:VCARD\r\n")).ToArray();

        var record = (await ReadAsync(bytes)).Single();

        record.Error.Should().Be("Line 1: the file is UTF-16; save or export it as UTF-8 (vCard 4.0 requires UTF-8).");
    }

    [Theory]
    [InlineData("Deutschland", "DE")]
    [InlineData("United States of America", "US")]
    [InlineData("the Netherlands", "NL")]
    [InlineData("U.S.A.", "US")]
    [InlineData("uk", "GB")]
    [InlineData("Österreich", "AT")]
    [InlineData("CÔTE D'IVOIRE", "CI")]
    [InlineData("日本", "JP")]
    [InlineData("fr", "FR")]
    [InlineData("Narnia", null)]
    public void Country_names_resolve_to_iso_codes(string name, string? code) => CountryNames.Resolve(name).Should().Be(code);

    internal static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
