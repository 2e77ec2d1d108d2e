package ai.aideon.providers.simulator;

import ai.aideon.core.api.GeneratedImages;
import ai.aideon.core.api.ImageRequest;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import ai.aideon.providers.TestCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(30)
class SimulatorImagesTest {

    private static SimulatorProvider simulator() {
        return new SimulatorProvider(SimulatorSettings.instant("sim", 7), Pause.none());
    }

    private static GeneratedImages generate(SimulatorProvider sim, String prompt, int n, int w, int h, Long seed)
            throws ProviderException {
        return sim.generate(TestCalls.imageCall("stabilityai/sdxl-turbo",
                new ImageRequest("aideon/image", prompt, n, w, h, null, seed, null, false)));
    }

    private static BufferedImage decode(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("ImageIO decodes the PNG").isNotNull();
        return img;
    }

    @Test
    void realPngsOfTheRequestedSize() throws Exception {
        GeneratedImages images = generate(simulator(), "a lighthouse at dusk", 2, 257, 96, null);
        assertThat(images.images()).hasSize(2);
        for (GeneratedImages.Image image : images.images()) {
            assertThat(image.mediaType()).isEqualTo("image/png");
            assertThat(image.url()).isNull();
            assertThat(image.bytes()).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
            BufferedImage img = decode(image.bytes());
            assertThat(img.getWidth()).isEqualTo(257);
            assertThat(img.getHeight()).isEqualTo(96);
        }
        // a picture, not a flat fill: corners differ (the gradient runs across the image)
        BufferedImage first = decode(images.images().get(0).bytes());
        assertThat(first.getRGB(0, 0)).isNotEqualTo(first.getRGB(256, 95));
        // the two images of one request differ
        assertThat(images.images().get(0).bytes()).isNotEqualTo(images.images().get(1).bytes());
    }

    @Test
    void samePromptAndSeedSameBytesOtherwiseDifferent() throws Exception {
        byte[] a = generate(simulator(), "a red fox", 1, 64, 64, 5L).images().get(0).bytes();
        byte[] b = generate(simulator(), "a red fox", 1, 64, 64, 5L).images().get(0).bytes();
        byte[] otherSeed = generate(simulator(), "a red fox", 1, 64, 64, 6L).images().get(0).bytes();
        byte[] otherPrompt = generate(simulator(), "a blue fox", 1, 64, 64, 5L).images().get(0).bytes();
        assertThat(a).isEqualTo(b);
        assertThat(otherSeed).isNotEqualTo(a);
        assertThat(otherPrompt).isNotEqualTo(a);
    }

    @Test
    void aLargeImageIsQuickAndSmall() throws Exception {
        long t0 = System.nanoTime();
        byte[] png = generate(simulator(), "big", 1, 1792, 1024, null).images().get(0).bytes();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(decode(png).getWidth()).isEqualTo(1792);
        assertThat(png.length).isLessThan(1792 * 1024 * 3 / 4); // well compressed, far below the raw pixels
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    void imagesFailLikeChatWhenDownOverloadedOrSlowAndAnEmptyPromptIsABadRequest() {
        ProviderException empty = catchThrowableOfType(ProviderException.class,
                () -> generate(simulator(), " ", 1, 64, 64, null));
        assertThat(empty.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(empty.param()).contains("prompt");

        SimulatorProvider down = simulator();
        down.setDown(true);
        assertThat(catchThrowableOfType(ProviderException.class, () -> generate(down, "x", 1, 64, 64, null)).kind())
                .isEqualTo(Kind.UNAVAILABLE);

        SimulatorProvider overloaded = new SimulatorProvider(new SimulatorSettings("sim", 1, Duration.ZERO,
                Duration.ZERO, Map.of(SimulatorSettings.ANY_MODEL,
                new SimulatorSettings.ModelBehaviour(1, 0, Duration.ZERO))), Pause.none());
        ProviderException busy = catchThrowableOfType(ProviderException.class,
                () -> generate(overloaded, "x", 1, 64, 64, null));
        assertThat(busy.kind()).isEqualTo(Kind.OVERLOADED);
        assertThat(busy.upstreamStatus()).isEqualTo(503);

        SimulatorProvider slow = new SimulatorProvider(new SimulatorSettings("sim", 1, Duration.ofSeconds(60),
                Duration.ZERO, Map.of()), Pause.none());
        assertThat(catchThrowableOfType(ProviderException.class, () -> generate(slow, "x", 1, 64, 64, null)).kind())
                .isEqualTo(Kind.TIMEOUT);
    }
}
