package ai.aideon.providers.fetch;

import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;

import java.util.ArrayList;
import java.util.List;

/**
 * Replaces every image part of a chat request with a checked, inline {@code data:} URI before routing: remote
 * URLs are fetched through the {@link SafeFetcher} (public addresses only, limits, type and signature checks),
 * inline ones are validated the same way. Every provider — a local engine that accepts only inline images, or a
 * cloud one — then receives the same verified bytes, and a URL pointing into our network is refused (400) before
 * anything is routed.
 */
public final class ImageInliner {
    private final SafeFetcher fetcher;

    public ImageInliner(SafeFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /**
     * The request with inline images, or the same request when it has none.
     *
     * @throws ImageFetchException naming the part ({@link InlineFailure#param()}) that could not be used
     */
    public ChatRequest inline(ChatRequest request) throws InlineFailure {
        if (!request.hasImages()) {
            return request;
        }
        List<ChatMessage> messages = new ArrayList<>(request.messages().size());
        for (int m = 0; m < request.messages().size(); m++) {
            ChatMessage msg = request.messages().get(m);
            if (!msg.hasImages()) {
                messages.add(msg);
                continue;
            }
            List<ContentPart> parts = new ArrayList<>(msg.content().size());
            for (int p = 0; p < msg.content().size(); p++) {
                ContentPart part = msg.content().get(p);
                if (part instanceof ContentPart.Image image) {
                    String param = "messages[" + m + "].content[" + p + "].image_url.url";
                    try {
                        FetchedImage fetched = fetcher.load(image.url());
                        parts.add(new ContentPart.Image("data:" + fetched.mediaType() + ";base64,"
                                + fetched.toBase64(), image.detail()));
                    } catch (ImageFetchException e) {
                        throw new InlineFailure(param, e);
                    }
                } else {
                    parts.add(part);
                }
            }
            messages.add(new ChatMessage(msg.role(), parts, msg.name(), msg.toolCalls(), msg.toolCallId(),
                    msg.refusal()));
        }
        return new ChatRequest(request.model(), messages, request.stream(), request.includeUsage(),
                request.maxTokens(), request.temperature(), request.topP(), request.stop(), request.seed(),
                request.n(), request.tools(), request.toolChoice(), request.parallelToolCalls(),
                request.responseFormat(), request.user(), request.metadata(), request.legacyPrompt());
    }

    /** An image part that could not be used, with the request parameter that names it. */
    public static final class InlineFailure extends Exception {
        private final String param;
        private final ImageFetchException cause;

        InlineFailure(String param, ImageFetchException cause) {
            super(cause.getMessage(), cause);
            this.param = param;
            this.cause = cause;
        }

        public String param() {
            return param;
        }

        /** True when the URL was refused (our rule), false when the image host failed to deliver. */
        public boolean refused() {
            return cause instanceof FetchRefusedException;
        }
    }
}
