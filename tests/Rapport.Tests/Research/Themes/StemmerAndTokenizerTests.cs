using Rapport.Research.Themes;

namespace Rapport.Tests.Research.Themes;

public sealed class StemmerAndTokenizerTests
{
    [Theory]
    // From the Snowball English stemmer's published vocabulary and rules.
    [InlineData("consign", "consign")]
    [InlineData("consigned", "consign")]
    [InlineData("consigning", "consign")]
    [InlineData("consignment", "consign")]
    [InlineData("consistency", "consist")]
    [InlineData("consistently", "consist")]
    [InlineData("generously", "generous")]
    [InlineData("generate", "generat")]
    [InlineData("knightly", "knight")]
    [InlineData("knees", "knee")]
    [InlineData("happily", "happili")]
    [InlineData("happy", "happi")]
    [InlineData("running", "run")]
    [InlineData("hopping", "hop")]
    [InlineData("hoped", "hope")]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "tie")]
    [InlineData("cats", "cat")]
    [InlineData("gas", "gas")]
    [InlineData("skies", "sky")]
    [InlineData("dying", "die")]
    [InlineData("news", "news")]
    [InlineData("agreed", "agre")]
    [InlineData("communities", "communiti")]
    [InlineData("community", "communiti")]
    [InlineData("sustainable", "sustain")]
    [InlineData("sustainability", "sustain")]
    [InlineData("packaging", "packag")]
    [InlineData("delivery", "deliveri")]
    [InlineData("quickly", "quick")]
    [InlineData("customer's", "custom")]
    [InlineData("yes", "yes")]
    public void Stems_follow_porter2(string word, string stem) => EnglishStemmer.Stem(word).Should().Be(stem);

    [Theory]
    [InlineData("café")]
    [InlineData("配送")]
    [InlineData("größe")]
    [InlineData("10")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData("'")]
    [InlineData("''''")]
    public void Words_that_are_not_plain_english_letters_are_left_alone(string word) =>
        EnglishStemmer.Stem(word).Should().Be(word);

    [Fact]
    public void Tokens_are_lower_case_words_with_offsets_and_boundaries()
    {
        var text = "Eco-friendly, DON’T   stop!!! Well…";
        var tokens = Tokenizer.Tokenize(text);

        tokens.Select(t => (t.Kind, t.Text)).Should().Equal(
            (TokenKind.Word, "eco"), (TokenKind.Word, "friendly"), (TokenKind.Comma, ","), (TokenKind.Word, "don't"),
            (TokenKind.Word, "stop"), (TokenKind.Stop, "."), (TokenKind.Word, "well"), (TokenKind.Stop, "."));
        tokens.Where(t => t.Kind == TokenKind.Word).Select(t => text.Substring(t.Start, t.Length))
            .Should().Equal("Eco", "friendly", "DON’T", "stop", "Well");
        tokens[5].Length.Should().Be(3, "a run of stops is one boundary");
    }

    [Theory]
    [InlineData("配送が早くて助かりました。", 1)]
    [InlineData("Очень понравилось, спасибо.", 3)]
    [InlineData("شكرا جزيلا", 2)]
    [InlineData("बहुत अच्छा उत्पाद", 3)] // combining vowel signs stay inside the word
    [InlineData("Très bon accueil", 3)]
    [InlineData("ผลิตภัณฑ์ดีมาก", 1)]
    [InlineData("😀😀 great 👍🏽 👨‍👩‍👧", 1)]
    [InlineData("𝒻𝒶𝓃𝒸𝓎 𐐷𐐷", 2)] // letters outside the basic plane (surrogate pairs)
    public void Any_script_tokenises_into_words_without_error(string text, int words) =>
        Tokenizer.Tokenize(text).Count(t => t.Kind == TokenKind.Word).Should().Be(words);

    [Fact]
    public void Broken_text_does_not_crash_the_tokeniser()
    {
        var loneSurrogates = "a\uD800b \uDC00c \uD83D";
        Tokenizer.Tokenize(loneSurrogates).Where(t => t.Kind == TokenKind.Word).Select(t => t.Text).Should().Equal("a", "b", "c");
        Tokenizer.Tokenize("").Should().BeEmpty();
        Tokenizer.Tokenize("\0\u0001\u200B").Should().BeEmpty();
        Tokenizer.Tokenize("'''").Should().BeEmpty();
    }

    [Fact]
    public void Html_is_text_like_any_other()
    {
        Tokenizer.Tokenize("<script>alert('x')</script><b>great</b>").Where(t => t.Kind == TokenKind.Word).Select(t => t.Text)
            .Should().Equal("script", "alert", "x", "script", "b", "great", "b");
    }
}
