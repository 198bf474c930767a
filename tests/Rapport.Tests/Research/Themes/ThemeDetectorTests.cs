using System.Diagnostics;
using Rapport.Research.Themes;
using Rapport.Values;

namespace Rapport.Tests.Research.Themes;

public sealed class ThemeDetectorTests
{
    private static readonly ThemeDetector Detector = new(Taxonomy.Default);

    private static Dictionary<string, double> Values(string text) =>
        Detector.Detect(text).Values.ToDictionary(v => v.Value, v => v.Sentiment);

    [Theory]
    [InlineData("I don't care about packaging", "sustainability")]
    [InlineData("I dont care about packaging", "sustainability")]
    [InlineData("Not cheap.", "price")]
    [InlineData("Not eco-friendly at all", "sustainability")]
    [InlineData("The staff were not helpful", "service")]
    [InlineData("Never reliable", "quality")]
    [InlineData("Packaging doesn't matter to me", "sustainability")]
    public void A_value_mentioned_only_negatively_is_reported_with_negative_sentiment(string text, string value)
    {
        var values = Values(text);
        values.Should().ContainKey(value);
        values[value].Should().BeNegative();
    }

    [Theory]
    [InlineData("Never had a problem with delivery", "convenience")]
    [InlineData("Returned it without any hassle", "convenience")]
    [InlineData("Not expensive at all", "price")]
    [InlineData("The quality is not bad", "quality")]
    [InlineData("No plastic, which I love", "sustainability")]
    [InlineData("Completely plastic-free", "sustainability")]
    [InlineData("Can't fault the service", "service")]
    public void A_negated_complaint_is_positive(string text, string value) => Values(text)[value].Should().BePositive();

    [Fact]
    public void Negation_reaches_four_words_and_stops_at_a_comma_or_a_full_stop()
    {
        Values("I wouldn't call it a bargain")["price"].Should().BeNegative();
        Values("Not sure, but the service was excellent")["service"].Should().BePositive();
        Values("No. The staff were friendly")["service"].Should().BePositive();
        Values("Not only cheap but good")["price"].Should().BePositive("'not only' does not negate");
    }

    [Fact]
    public void Intensifiers_and_contrast_shape_the_sentiment()
    {
        Values("very expensive")["price"].Should().BeLessThan(Values("expensive")["price"]);
        Values("a bit expensive")["price"].Should().BeGreaterThan(Values("expensive")["price"]);
        Values("Way too much plastic")["sustainability"].Should().BeNegative();

        var mixed = Values("Expensive but the quality is excellent");
        mixed["price"].Should().BeNegative();
        mixed["quality"].Should().BePositive();
    }

    [Fact]
    public void Sentiments_stay_within_minus_one_and_one()
    {
        var values = Values("Absolutely amazing, incredible, fantastic, perfect, brilliant, excellent quality!!! " +
                            "Extremely rude, terrible, awful, horrible, appalling staff.");
        values["quality"].Should().BeInRange(0.5, 1);
        values["service"].Should().BeInRange(-1, -0.5);
    }

    [Fact]
    public void The_longest_vocabulary_phrase_wins_and_its_span_is_the_evidence()
    {
        var text = "Great Customer   Service and value for money.";
        var detection = Detector.Detect(text);

        detection.Values.Select(v => v.Value).Should().Equal("service", "price");
        var service = detection.Values[0].Evidence.Single();
        service.Term.Should().Be("customer service");
        text.Substring(service.Start, service.Length).Should().Be("Customer   Service");
        var price = detection.Values[1].Evidence.Single();
        text.Substring(price.Start, price.Length).Should().Be("value for money");
    }

    [Fact]
    public void Stems_match_inflections_and_a_phrase_never_spans_a_comma()
    {
        Values("Sustainably sourced").Should().ContainKey("sustainability");
        Values("so many communities").Should().ContainKey("community");
        Values("fast, delivery").Should().ContainKey("convenience"); // "delivery" alone; "fast delivery" needs no comma
        Detector.Detect("fast, delivery").Values.Single().Evidence.Single().Term.Should().Be("delivery");
    }

    [Fact]
    public void Idioms_and_look_alike_words_are_not_mentions()
    {
        Values("What a waste of time").Should().NotContainKey("sustainability");
        Values("I had to deal with it myself").Should().NotContainKey("price");
        Values("It looks brand new").Should().NotContainKey("innovation");
        Values("Honestly it arrived").Should().NotContainKey("transparency");
        Values("Bought it last month for my friends").Should().BeEmpty();
        Values("A very responsive team").Should().ContainKey("service").And.NotContainKey("ethics");
        Values("Run responsibly").Should().ContainKey("ethics").And.NotContainKey("service");
    }

    [Fact]
    public void Any_taxonomy_can_be_passed_in()
    {
        var taxonomy = Taxonomy.Create([
            new ValueDefinition("dogs", "Dogs", "Dog friendly places.", ["dog friendly", "dogs welcome", "puppy"]),
            new ValueDefinition("calm", "Calm", "A quiet place.", ["quiet", "peaceful"]),
        ]);
        var detector = new ThemeDetector(taxonomy);

        detector.Detect("Dogs welcome and very peaceful, my puppies loved it").Values
            .Select(v => (v.Value, v.Evidence.Count)).Should().Equal(("dogs", 2), ("calm", 1));
        detector.Detect("Great price").Values.Should().BeEmpty();
        new ThemeDetector(Taxonomy.Create([])).Detect("Great price").Values.Should().BeEmpty();
    }

    [Fact]
    public void A_phrase_listed_under_two_values_mentions_both()
    {
        var taxonomy = Taxonomy.Create([
            new ValueDefinition("a", "A", "", ["local food"]),
            new ValueDefinition("b", "B", "", ["local food", "food"]),
        ]);
        new ThemeDetector(taxonomy).Detect("Love the local food").Values.Select(v => v.Value).Should().Equal("a", "b");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t ")]
    [InlineData("...!!!")]
    [InlineData("😀😀😀")]
    [InlineData("配送が早くて助かりました。")]
    [InlineData("Sehr gut, danke!")]
    [InlineData("\uD800\uD800 \uDFFF")]
    public void Empty_and_foreign_text_yield_no_values(string? text) => Detector.Detect(text).Values.Should().BeEmpty();

    [Fact]
    public void Html_and_script_are_matched_as_text()
    {
        var text = "<script>alert('cheap')</script><b>Great quality</b>";
        var values = Detector.Detect(text).Values;
        values.Select(v => v.Value).Should().Equal("price", "quality");
        var quality = values[1].Evidence.Single();
        text.Substring(quality.Start, quality.Length).Should().Be("quality");
    }

    [Fact]
    public void A_100_KB_comment_is_detected_quickly()
    {
        var sentence = "The delivery was fast but the packaging had far too much plastic, and nobody answered my emails. ";
        var text = string.Concat(Enumerable.Repeat(sentence, 100 * 1024 / sentence.Length + 1));
        text.Length.Should().BeGreaterThan(100 * 1024);

        var watch = Stopwatch.StartNew();
        var detection = Detector.Detect(text);
        watch.Stop();

        detection.Values.Select(v => v.Value).Should().Contain(["convenience", "sustainability"]);
        detection.Values.Single(v => v.Value == "sustainability").Sentiment.Should().BeNegative();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Detection_is_the_same_from_many_threads()
    {
        var texts = LabelledComments.All.Select(c => c.Text).ToList();
        var once = texts.Select(t => Describe(Detector.Detect(t))).ToList();
        var parallel = texts.AsParallel().AsOrdered().WithDegreeOfParallelism(4).Select(t => Describe(Detector.Detect(t))).ToList();
        parallel.Should().Equal(once);

        static string Describe(ThemeDetection d) => string.Join(";", d.Values.Select(v => $"{v.Value}:{v.Sentiment:R}"));
    }
}
