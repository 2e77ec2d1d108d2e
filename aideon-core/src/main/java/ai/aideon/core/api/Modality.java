package ai.aideon.core.api;

/** What kind of work a model does; each route alias serves exactly one modality. */
public enum Modality {
    TEXT, CODE, VISION, IMAGE, TTS, STT, EMBED, VIDEO;

    /** Text, code and vision are all served through chat completions. */
    public boolean isChat() {
        return this == TEXT || this == CODE || this == VISION;
    }
}
