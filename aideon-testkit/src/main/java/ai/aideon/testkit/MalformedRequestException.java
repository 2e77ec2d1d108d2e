package ai.aideon.testkit;

import java.io.IOException;

/** The bytes on the wire are not an HTTP/1.x request we can frame; the connection is answered 400 and closed. */
final class MalformedRequestException extends IOException {

    private static final long serialVersionUID = 1L;
    MalformedRequestException(String message) {
        super(message);
    }
}
