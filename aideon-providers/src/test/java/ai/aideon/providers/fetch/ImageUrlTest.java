package ai.aideon.providers.fetch;

import ai.aideon.providers.fetch.FetchRefusedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Taking URLs apart: pure parsing, no lookups, no connections. */
class ImageUrlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "http://127.0.0.1/, 127.0.0.1",
            "http://2130706433/, 127.0.0.1",         // one 32-bit decimal number
            "http://0x7f000001/, 127.0.0.1",         // hex
            "http://0X7F000001/, 127.0.0.1",
            "http://0x7f.1/, 127.0.0.1",             // hex, then the last number fills three bytes
            "http://0177.0.0.1/, 127.0.0.1",         // octal: the JDK would say 177.0.0.1
            "http://0177.0.0.01/, 127.0.0.1",
            "http://127.1/, 127.0.0.1",
            "http://127.0.1/, 127.0.0.1",
            "http://127.0.0.1./, 127.0.0.1",         // trailing root dot
            "http://0/, 0.0.0.0",                    // which Linux treats as this host
            "http://0x0/, 0.0.0.0",
            "http://0xa9fea9fe/, 169.254.169.254",
            "http://2852039166/, 169.254.169.254",
            "http://0251.0376.0251.0376/, 169.254.169.254",
            "http://169.254.43518/, 169.254.169.254",
            "http://10.1/, 10.0.0.1",
            "http://8.8.8.8:8080/x, 8.8.8.8",
    })
    void readsIpv4LiteralsInEveryNotationBrowsersAccept(String url, String address) throws FetchRefusedException {
        ImageUrl parsed = ImageUrl.parse(url);

        assertThat(parsed.literal()).isNotNull();
        assertThat(parsed.literal().getHostAddress()).isEqualTo(address);
        assertThat(parsed.host()).isEqualTo(address);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'http://[::1]/', LOOPBACK",
            "'http://[::ffff:127.0.0.1]/', LOOPBACK",
            "'http://[::ffff:7f00:1]/', LOOPBACK",
            "'http://[0:0:0:0:0:ffff:127.0.0.1]/', LOOPBACK",
            "'http://[::127.0.0.1]/', LOOPBACK",
            "'http://[64:ff9b::169.254.169.254]/', LINK_LOCAL",
            "'http://[fe80::1]:8080/', LINK_LOCAL",
            "'http://[::]/', UNSPECIFIED",
            "'http://[2606:4700:4700::1111]/', PUBLIC",
    })
    void readsIpv6LiteralsWithoutALookup(String url, AddressClass expected) throws FetchRefusedException {
        ImageUrl parsed = ImageUrl.parse(url);

        assertThat(parsed.literal()).isNotNull();
        assertThat(AddressClass.of(parsed.literal())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://images.example.com/cat.png", "http://IMAGES.Example.COM./cat.png",
            "http://1.2.3.4.example.com/", "http://0x7f.example/", "http://cdn_1.example.com/"})
    void namesStayNamesForTheResolver(String url) throws FetchRefusedException {
        ImageUrl parsed = ImageUrl.parse(url);

        assertThat(parsed.literal()).isNull();
        assertThat(parsed.host()).isEqualTo(parsed.host().toLowerCase()).doesNotEndWith(".");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "ftp://example.com/cat.png",
            "file:///etc/passwd",
            "gopher://127.0.0.1:6379/_INFO",
            "data:image/png;base64,AAAA",
            "jar:http://example.com/a.jar!/cat.png",
            "mailto:cat@example.com",
            "//example.com/cat.png",                    // no scheme
            "cat.png",
            "http:///cat.png",                          // no host
            "http://:80/",
            "http://user@example.com/cat.png",          // user info
            "http://user:pass@example.com/cat.png",
            "http://example.com@127.0.0.1/cat.png",     // reads as example.com to people
            "http://%31%32%37.0.0.1/",                  // percent-encoded host
            "http://127.0.0.1.5/",                      // five numbers
            "http://256.0.0.1/",
            "http://1.2.3.0x100/",
            "http://0x100000000/",                      // more than 32 bits
            "http://99999999999999999999/",
            "http://08.0.0.1/",                         // 8 is not octal
            "http://1..2/",
            "http://[::1/",                             // unclosed bracket
            "http://[fe80::1%25eth0]/",                 // zone: one of our interfaces
            "http://[::ffff:0177.0.0.1]/",              // leading zeros in embedded IPv4
            "http://[::ffff:127.1]/",
            "http://[example.com]/",
            "http://example.com:0/",
            "http://example.com:65536/",
            "http://example.com:8o/",
            "http://-example.com/",
            "http://exa mple.com/",
            "http://bücher.example/",                   // use the xn-- form
            "http://ex\\ample.com/",
            "",
            "   ",
    })
    void refusesUrlsThatAreNotPlainHttpToAUsableHost(String url) {
        FetchRefusedException e = catchThrowableOfType(FetchRefusedException.class, () -> ImageUrl.parse(url));

        assertThat(e).as(url).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_URL);
    }

    @Test
    void refusesNull() {
        assertThat(catchThrowableOfType(FetchRefusedException.class, () -> ImageUrl.parse(null))).isNotNull();
    }

    @Test
    void keepsPathAndQueryForTheRequestLineAndDefaultsThePort() throws FetchRefusedException {
        ImageUrl url = ImageUrl.parse("HTTPS://Images.Example.com/a/cat%20one.png?size=large&sig=abc#frag");

        assertThat(url.https()).isTrue();
        assertThat(url.port()).isEqualTo(443);
        assertThat(url.host()).isEqualTo("images.example.com");
        assertThat(url.requestTarget()).isEqualTo("/a/cat%20one.png?size=large&sig=abc");
        assertThat(url.hostHeader()).isEqualTo("images.example.com");
    }

    @Test
    void anEmptyPathIsSlash() throws FetchRefusedException {
        assertThat(ImageUrl.parse("http://example.com").requestTarget()).isEqualTo("/");
        assertThat(ImageUrl.parse("http://example.com?x=1").requestTarget()).isEqualTo("/?x=1");
    }

    @Test
    void nonAsciiInThePathIsSentPercentEncoded() throws FetchRefusedException {
        assertThat(ImageUrl.parse("http://example.com/chat-é.png").requestTarget())
                .isEqualTo("/chat-%C3%A9.png");
    }

    @Test
    void hostHeaderCarriesANonDefaultPortAndBracketsIpv6() throws FetchRefusedException {
        assertThat(ImageUrl.parse("http://example.com:8080/").hostHeader()).isEqualTo("example.com:8080");
        assertThat(ImageUrl.parse("http://example.com:80/").hostHeader()).isEqualTo("example.com");
        assertThat(ImageUrl.parse("http://[2606:4700:4700::1111]:8080/").hostHeader())
                .isEqualTo("[2606:4700:4700:0:0:0:0:1111]:8080");
        assertThat(ImageUrl.parse("http://2130706433/").hostHeader()).isEqualTo("127.0.0.1");
    }

    @Test
    void displayLeavesOutTheQueryWhichMayHoldSignatures() throws FetchRefusedException {
        assertThat(ImageUrl.parse("https://bucket.example.com/cat.png?X-Amz-Signature=secret").display())
                .isEqualTo("https://bucket.example.com/cat.png?…");
    }

    @Test
    void redirectsResolveRelativeLocationsAgainstTheCurrentUrl() throws FetchRefusedException {
        ImageUrl from = ImageUrl.parse("http://example.com/images/a.png");

        assertThat(from.redirect("b.png").uri().toString()).isEqualTo("http://example.com/images/b.png");
        assertThat(from.redirect("/c.png").uri().toString()).isEqualTo("http://example.com/c.png");
        assertThat(from.redirect("//other.example/d.png").host()).isEqualTo("other.example");
        assertThat(from.redirect("http://2130706433/").literal().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void redirectsAreValidatedLikeTheFirstUrl() throws FetchRefusedException {
        ImageUrl from = ImageUrl.parse("http://example.com/a.png");

        for (String location : new String[] {"ftp://example.com/a.png", "file:///etc/passwd",
                "http://user@example.com/", "http://exa mple.com/", "gopher://example.com/"}) {
            assertThat(catchThrowableOfType(FetchRefusedException.class, () -> from.redirect(location)))
                    .as(location).isNotNull();
        }
    }
}
