using Rapport.Duplicates;

namespace Rapport.Tests.Duplicates;

public sealed class MatchingRulesTests
{
    [Theory]
    [InlineData("martha", "marhta", 0.9611)]
    [InlineData("dwayne", "duane", 0.84)]
    [InlineData("dixon", "dicksonx", 0.8133)]
    [InlineData("abc", "abc", 1.0)]
    [InlineData("abc", "xyz", 0.0)]
    public void Jaro_winkler_gives_the_textbook_values(string a, string b, double expected) =>
        Similarity.JaroWinkler(a, b).Should().BeApproximately(expected, 0.0005);

    [Theory]
    [InlineData("John", "Smith", "Smith", "John")]
    [InlineData("Bob", "Miller", "Robert", "Miller")]
    [InlineData("José", "Núñez", "jose", "NUNEZ")]
    [InlineData("J.", "Smith", "John", "Smith")]
    [InlineData("Mary-Ann", "O'Brien", "Mary Ann", "OBrien")]
    [InlineData("Katherine", "Jonson", "Kate", "Johnson")]
    [InlineData("Carl", "Meyer", "Karl", "Meier")]
    [InlineData("Catherine", "Phillips", "Katherine", "Filips")]
    public void Names_match_whatever_the_order_accents_nicknames_initials_and_small_typos(string f1, string l1, string f2, string l2) =>
        Similarity.Names(Similarity.NameTokens(f1, l1), Similarity.NameTokens(f2, l2)).Should().BeGreaterThanOrEqualTo(DuplicateRules.SameName);

    [Theory]
    [InlineData("John", "Smith", "Jane", "Smithers")]
    [InlineData("Anna", "Schmidt", "Peter", "Schmidt")]
    [InlineData("Maria", "Garcia", "Mario", "Gomez")]
    [InlineData("Madison", "Lubowitz", "Malvina", "Lubowitz")]
    [InlineData("Tom", "Baker", "Ursula", "Baker")]
    public void Different_people_do_not_reach_the_same_name_threshold(string f1, string l1, string f2, string l2) =>
        Similarity.Names(Similarity.NameTokens(f1, l1), Similarity.NameTokens(f2, l2)).Should().BeLessThan(DuplicateRules.SameName);

    [Theory]
    [InlineData("catherine", "katerine")]
    [InlineData("johnson", "jonson")]
    [InlineData("phillips", "filips")]
    [InlineData("cecilia", "sesilia")]
    [InlineData("yvonne", "ivone")]
    public void Sound_forms_spelling_variants_alike(string word, string sound) => Similarity.Sound(word).Should().Be(sound);

    [Fact]
    public void Relatives_sharing_a_phone_count_as_different_people()
    {
        var score = DuplicateRules.Score(P(1, "Tom", "Baker", phone: "555 123 4567"), P(2, "Ursula", "Baker", phone: "(555) 123-4567"))!.Value;
        score.Score.Should().Be(0.60);
        score.Reasons.Should().Be("phone");
    }

    [Fact]
    public void Colleagues_with_one_surname_are_not_the_same_name() =>
        DuplicateRules.Score(P(1, "Madison", "Lubowitz", company: 4), P(2, "Malvina", "Lubowitz", company: 4)).Should().BeNull();

    [Fact]
    public void An_empty_name_has_no_similarity() =>
        Similarity.Names(Similarity.NameTokens(null, " "), Similarity.NameTokens("Ann", null)).Should().BeNull();

    [Theory]
    [InlineData("Ann.Lee+shop@Example.com", "ann.lee@example.com")]
    [InlineData(" a.n.n@googlemail.com ", "ann@gmail.com")]
    [InlineData("Ann@Example.COM", "ann@example.com")]
    public void Emails_are_compared_by_mailbox(string raw, string normal) => ContactKeys.Email(raw).Should().Be(normal);

    [Theory]
    [InlineData("+44 20 7946 0958", null, "020 7946 0958", "GB")]
    [InlineData("+44 (0)20 7946 0958", null, "02079460958", null)]
    [InlineData("(555) 123-4567", "US", "+1 555-123-4567", null)]
    [InlineData("1-555-123-4567", "US", "555.123.4567 x89", "US")]
    [InlineData("0049 30 1234567", null, "030 1234567", "DE")]
    [InlineData("+33 6 12 34 56 78", "FR", "06 12 34 56 78", "FR")]
    public void Phones_written_differently_are_the_same_line(string a, string? countryA, string b, string? countryB)
    {
        var x = ContactKeys.Phone(a, countryA);
        var y = ContactKeys.Phone(b, countryB);
        x.Should().NotBeNull();
        y.Should().NotBeNull();
        x!.Value.SameLine(y!.Value).Should().BeTrue($"{a} and {b} are the same line ({x} / {y})");
    }

    [Theory]
    [InlineData("+44 20 7946 0958", null, "+49 20 7946 0958", null)]
    [InlineData("(555) 123-4567", "US", "(555) 123-4568", "US")]
    [InlineData("030 1234567", "DE", "030 1234567", "FR")]
    public void Different_lines_do_not_match(string a, string? countryA, string b, string? countryB) =>
        ContactKeys.Phone(a, countryA)!.Value.SameLine(ContactKeys.Phone(b, countryB)!.Value).Should().BeFalse();

    [Theory]
    [InlineData("12 34")]
    [InlineData("+1 555")]
    [InlineData("")]
    [InlineData(null)]
    public void Numbers_too_short_to_identify_a_line_are_not_used(string? phone) => ContactKeys.Phone(phone, "US").Should().BeNull();

    private static PersonProfile P(long id, string? first, string? last, string? email = null, string? phone = null, string? country = "US",
        string? postal = null, string? city = null, string? street = null, long? company = null) =>
        PersonProfile.From(id, first, last, email, phone, country, postal, city, street, company);

    [Fact]
    public void Same_email_with_alike_names_scores_high_with_reasons_email_and_name()
    {
        var score = DuplicateRules.Score(P(1, "Ann", "Lee", "ann.lee@example.com"), P(2, "Anne", "Lee", "Ann.Lee@Example.com"));
        score.Should().NotBeNull();
        score!.Value.Score.Should().BeGreaterThan(0.95);
        score.Value.Reasons.Should().Be("email,name");
    }

    [Fact]
    public void Same_email_with_different_first_names_is_a_weaker_candidate()
    {
        var score = DuplicateRules.Score(P(1, "Tom", "Baker", "family@example.com"), P(2, "Ursula", "Quince", "family@example.com"));
        score!.Value.Score.Should().Be(0.80);
        score.Value.Reasons.Should().Be("email");
    }

    [Fact]
    public void Shared_phone_between_different_people_scores_below_a_true_match()
    {
        var household = DuplicateRules.Score(P(1, "Tom", "Baker", phone: "555 123 4567"), P(2, "Ursula", "Quince", phone: "(555) 123-4567"))!.Value;
        var same = DuplicateRules.Score(P(1, "Tom", "Baker", phone: "555 123 4567"), P(2, "Thomas", "Baker", phone: "+1 555 123 4567"))!.Value;
        household.Score.Should().Be(0.60);
        same.Score.Should().BeGreaterThan(0.9);
        same.Reasons.Should().Be("phone,name");
    }

    [Fact]
    public void Alike_names_at_the_same_address_match_without_any_shared_contact()
    {
        var score = DuplicateRules.Score(
            P(1, "Robert", "Miller", postal: "90210", city: "Beverly Hills", street: "12 Palm Drive"),
            P(2, "Bob", "Miller", postal: "90210", city: "Beverly hills", street: "12 Palm Dr."));
        score.Should().NotBeNull();
        score!.Value.Reasons.Should().Be("name,address");
        score.Value.Score.Should().BeGreaterThan(0.9);
    }

    [Fact]
    public void Alike_names_in_the_same_company_match()
    {
        var score = DuplicateRules.Score(P(1, "Kate", "Moss", company: 7), P(2, "Katherine", "Moss", company: 7));
        score!.Value.Reasons.Should().Be("name,company");
    }

    [Fact]
    public void Same_name_alone_or_same_address_alone_is_not_a_candidate()
    {
        DuplicateRules.Score(P(1, "John", "Smith", city: "Boston"), P(2, "John", "Smith", city: "Denver")).Should().BeNull();
        DuplicateRules.Score(
            P(1, "Tom", "Baker", postal: "90210", city: "Beverly Hills", street: "12 Palm Drive"),
            P(2, "Ursula", "Quince", postal: "90210", city: "Beverly Hills", street: "12 Palm Drive")).Should().BeNull();
    }

    [Fact]
    public void Detection_finds_each_planted_pair_once_and_no_pair_of_strangers()
    {
        var people = new List<PersonProfile>
        {
            P(1, "Ann", "Lee", "ann@example.com", "555 100 2000", postal: "10001", city: "New York", street: "1 First Ave"),
            P(2, "Anne", "Lee", "ANN@example.com"),
            P(3, "Carl", "Jung", null, "+1 (555) 300-4000"),
            P(4, "Karl", "Jung", null, "555-300-4000"),
            P(5, "Robert", "Miller", postal: "90210", city: "Beverly Hills", street: "12 Palm Drive"),
            P(6, "Bob", "Miller", postal: "90210", city: "Beverly Hills", street: "12 Palm Dr"),
            P(7, "John", "Smith", "john.smith@example.org", postal: "10001", city: "New York", street: "9 Second Ave"),
            P(8, "Jane", "Doe", "jane@example.org", "555 999 0000", postal: "10001", city: "New York", street: "1 First Ave"),
        };

        var (found, compared, skipped) = DetectDuplicates.FindPairs(people);

        found.Keys.Should().BeEquivalentTo([(1L, 2L), (3L, 4L), (5L, 6L)]);
        compared.Should().BeLessThan(people.Count * (people.Count - 1) / 2, "blocking avoids comparing everyone with everyone");
        skipped.Should().Be(0);
    }
}
