"""Trade videos and immersion: captions, media timing, decoding threads, audio, 360° geometry.

Pure parts (`captions`, `timing`, `sphere`) are used by the runtime; the decoder, audio and
deck run at the edge, in the composition root.
"""
