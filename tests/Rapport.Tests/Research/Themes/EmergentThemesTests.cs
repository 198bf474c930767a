using Rapport.Research.Themes;

namespace Rapport.Tests.Research.Themes;

public sealed class EmergentThemesTests
{
    private static readonly string[] Corpus =
    [
        "The loyalty scheme is confusing.",
        "I never understand the loyalty scheme points.",
        "Please simplify the loyalty scheme!",
        "Loyalty scheme rewards are hard to redeem.",
        "Great coffee and lovely staff.",
        "The gift wrapping was beautiful.",
        "Gift wrapping option at checkout would be nice.",
        "Loved the gift wrapping.",
        "Fast delivery, cheap prices.",
        "Parking is impossible near the shop.",
        "No parking nearby, had to walk.",
        "The parking situation is bad.",
        "",
    ];

    [Fact]
    public void Recurring_phrases_the_taxonomy_does_not_cover_are_proposed_with_examples()
    {
        var themes = EmergentThemes.Propose(Corpus, Taxonomy.Default);

        var phrases = themes.Select(t => t.Phrase).ToList();
        phrases.Should().Contain(["loyalty scheme", "gift wrapping", "parking"]);
        phrases.Should().NotContain(["loyalty", "scheme", "gift", "wrapping"], "a word inside a phrase found in as many texts says less");
        phrases.Should().NotContain(p => p.Contains("staff") || p.Contains("delivery") || p.Contains("prices"), "the taxonomy covers them");
        phrases.Should().NotContain(["great", "lovely", "confusing"], "opinion words are not themes");

        var loyalty = themes.Single(t => t.Phrase == "loyalty scheme");
        loyalty.Texts.Should().Be(4);
        loyalty.Stems.Should().Equal("loyalti", "scheme");
        loyalty.Examples.Should().Equal(0, 1, 2);
        themes.Should().BeInDescendingOrder(t => t.Score);
        themes.Should().OnlyContain(t => t.Texts >= 3);
    }

    [Fact]
    public void Against_a_background_only_phrases_more_frequent_here_are_kept()
    {
        string[] background = ["Parking is fine.", "Easy parking.", "Parking was free.", "Big parking lot.", "Good parking", "Nice shop."];

        var themes = EmergentThemes.Propose(Corpus, Taxonomy.Default, background);

        themes.Select(t => t.Phrase).Should().Contain("loyalty scheme").And.NotContain("parking");
        themes.Single(t => t.Phrase == "loyalty scheme").BackgroundTexts.Should().Be(0);
    }

    [Fact]
    public void Names_and_copies_of_one_template_are_not_themes()
    {
        // Staff notes written from a template with other names, and the odd name of a colleague: no theme in them.
        string[] names = ["Priya", "Tom", "Lena", "Jordan", "Allen", "Sam"];
        var notes = names.SelectMany(a => names.Select(b => $"{a} called {b} about next quarter's volumes. Happy with the current blend.")).ToList();
        notes.AddRange(["Spoke to Tom at the counter.", "Tom says hi.", "Lena sent the invoice, Tom checked it."]);
        // The same note about different customers, the name first: still one text, and no name proposed.
        notes.AddRange(names.Select(n => $"{n} prefers beans whole, never ground."));
        notes.AddRange(Corpus);

        var themes = EmergentThemes.Propose(notes, Taxonomy.Default);

        var phrases = themes.Select(t => t.Phrase).ToList();
        phrases.Should().NotContain(p => names.Any(n => p.Contains(n.ToLowerInvariant(), StringComparison.Ordinal)), "capitalised inside a sentence: a name");
        phrases.Should().NotContain(["next", "current", "sent", "quarter's volumes", "volumes", "blend", "beans whole", "ground"],
            "one template filled in 36 times is one text, and time words and staff verbs are generic");
        phrases.Should().Contain(["loyalty scheme", "gift wrapping", "parking"], "real themes still come through");
    }

    [Fact]
    public void Memory_and_length_are_bounded()
    {
        var random = new Random(7);
        var texts = Enumerable.Range(0, 2_000)
            .Select(_ => string.Join(' ', Enumerable.Range(0, 30).Select(_ => $"w{random.Next(100_000)}x")) + " loyalty scheme")
            .ToList();
        texts.Add(string.Concat(Enumerable.Repeat("endless words here ", 50_000)));

        var themes = EmergentThemes.Propose(texts, Taxonomy.Default, options: new EmergentThemeOptions { MaxDistinctPhrases = 10_000, Top = 5 });

        themes.Should().HaveCountLessThanOrEqualTo(5);
        themes[0].Phrase.Should().Be("loyalty scheme");
        EmergentThemes.Propose([], Taxonomy.Default).Should().BeEmpty();
        EmergentThemes.Propose(["", "   ", "😀"], Taxonomy.Default).Should().BeEmpty();
    }
}
