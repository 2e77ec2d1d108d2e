package ai.aideon.providers.fetch;

import ai.aideon.core.provider.ProviderException;
import ai.aideon.providers.fetch.FetchRefusedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DataUriTest {
    private static final Set<String> ALL = ImageTypes.RECOGNISED;
    private static final long LIMIT = 1024 * 1024;

    @Test
    void decodesABase64Png() throws FetchRefusedException {
        FetchedImage image = DataUri.decode(dataUri("image/png", TestImages.PNG), LIMIT, ALL);

        assertThat(image.mediaType()).isEqualTo("image/png");
        assertThat(image.bytes()).isEqualTo(TestImages.PNG);
        assertThat(image.toBase64()).isEqualTo(Base64.getEncoder().encodeToString(TestImages.PNG));
    }

    @Test
    void decodesEachAllowedType() throws FetchRefusedException {
        assertThat(DataUri.decode(dataUri("image/jpeg", TestImages.JPEG), LIMIT, ALL).mediaType())
                .isEqualTo("image/jpeg");
        assertThat(DataUri.decode(dataUri("image/gif", TestImages.GIF), LIMIT, ALL).mediaType())
                .isEqualTo("image/gif");
        assertThat(DataUri.decode(dataUri("image/webp", TestImages.WEBP), LIMIT, ALL).mediaType())
                .isEqualTo("image/webp");
    }

    @Test
    void schemeTypeAndParametersAreCaseInsensitiveAndParametersAreIgnored() throws FetchRefusedException {
        String uri = "DATA:Image/PNG;name=cat.png;BASE64," + Base64.getEncoder().encodeToString(TestImages.PNG);

        assertThat(DataUri.decode(uri, LIMIT, ALL).mediaType()).isEqualTo("image/png");
    }

    @Test
    void imageJpgCountsAsJpeg() throws FetchRefusedException {
        assertThat(DataUri.decode(dataUri("image/jpg", TestImages.JPEG), LIMIT, ALL).mediaType())
                .isEqualTo("image/jpeg");
    }

    @Test
    void refusesATypeThatIsNotAnAllowedImage() {
        FetchRefusedException e = refused(dataUri("text/html", TestImages.HTML), LIMIT, ALL);

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_ALLOWED_IMAGE);
        assertThat(e).hasMessageContaining("text/html");
    }

    @Test
    void refusesAnImageTypeLeftOutOfTheAllowedSet() {
        assertThat(refused(dataUri("image/gif", TestImages.GIF), LIMIT, Set.of("image/png")).reason())
                .isEqualTo(Reason.NOT_AN_ALLOWED_IMAGE);
    }

    @Test
    void refusesBytesThatAreNotTheDeclaredType() {
        assertThat(refused(dataUri("image/png", TestImages.HTML), LIMIT, ALL).reason())
                .isEqualTo(Reason.NOT_AN_ALLOWED_IMAGE);
        FetchRefusedException jpegAsPng = refused(dataUri("image/png", TestImages.JPEG), LIMIT, ALL);
        assertThat(jpegAsPng).hasMessageContaining("image/jpeg");
    }

    @Test
    void refusesOversizedImagesBeforeDecodingThem() {
        byte[] big = new byte[4096];
        System.arraycopy(TestImages.PNG, 0, big, 0, TestImages.PNG.length);

        assertThat(refused(dataUri("image/png", big), 1000, ALL).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void theLimitIsOnDecodedBytes() throws FetchRefusedException {
        int exact = TestImages.PNG.length;

        assertThat(DataUri.decode(dataUri("image/png", TestImages.PNG), exact, ALL).size()).isEqualTo(exact);
        assertThat(refused(dataUri("image/png", TestImages.PNG), exact - 1, ALL).reason())
                .isEqualTo(Reason.TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "data:image/png,rawbytes",              // not base64
            "data:image/png;base64",                // no comma
            "data:image/png;base64,",               // no data
            "data:image/png;base64,iVBORw0KGgo=!",  // not base64
            "data:image/png;base64,iVBORw0KGgo=AA", // data after the padding
            "data:image/png;base64,iVBORw0K-_go=",  // URL-safe alphabet
            "data:image/png;base64,iVBO Rw0KGgo=",  // whitespace
            "data:;base64,iVBORw0KGgo=",            // no type (text/plain by default)
    })
    void refusesMalformedDataUris(String uri) {
        assertThat(refused(uri, LIMIT, ALL).reason()).isIn(Reason.INVALID_DATA_URI, Reason.NOT_AN_ALLOWED_IMAGE);
    }

    @Test
    void aRefusalBecomesABadRequestNamingTheField() {
        ProviderException e = refused("data:image/png,raw", LIMIT, ALL)
                .toProviderException("messages[0].content[1].image_url.url");

        assertThat(e.kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(e.param()).contains("messages[0].content[1].image_url.url");
        assertThat(e.kind().retryable()).isFalse();
        assertThat(e.kind().fallbackable()).isFalse();
    }

    @Test
    void recognisesDataUrisCaseInsensitively() {
        assertThat(DataUri.isDataUri("data:image/png;base64,AA==")).isTrue();
        assertThat(DataUri.isDataUri("Data:image/png;base64,AA==")).isTrue();
        assertThat(DataUri.isDataUri("https://example.com/data:x")).isFalse();
        assertThat(DataUri.isDataUri(null)).isFalse();
    }

    private static String dataUri(String type, byte[] bytes) {
        return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    private static FetchRefusedException refused(String uri, long limit, Set<String> types) {
        return catchThrowableOfType(FetchRefusedException.class, () -> DataUri.decode(uri, limit, types));
    }
}
