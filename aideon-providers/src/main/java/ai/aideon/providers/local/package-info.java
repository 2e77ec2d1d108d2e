/**
 * Speech engines that run on this machine as command-line programs, so speech works with no network and no key:
 * espeak-ng for text to speech (sox transcodes its WAV to mp3/flac) and pocketsphinx for English speech to text.
 * Programs are started with argument lists, never through a shell, and user text only ever reaches them on stdin or
 * in files, so it cannot turn into an option. A missing program is reported as UNAVAILABLE naming the Debian
 * packages that provide it; {@link ai.aideon.providers.local.LocalEngines} says up front which engines are present.
 */
package ai.aideon.providers.local;
