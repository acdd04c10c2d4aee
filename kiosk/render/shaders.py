"""GLSL 330 core sources: one program per material, sharing the instanced vertex stage.

Colours leave the fragment stage premultiplied (blend ONE, ONE_MINUS_SRC_ALPHA). Edges are
anti-aliased with signed distances measured in target pixels (`u_px` logical units each).

What is the same over a whole instance (its size, colours, radius) is passed `flat`, and what varies
is interpolated `noperspective` (every quad is flat on the screen, w = 1: the same values): a software
rasteriser (llvmpipe) otherwise interpolates all 18 floats, with a perspective divide, for every pixel
of every quad — measured on the catalogue, ~15 % of its frame, with the very same pixels.
"""

VERTEX = """
#version 330
in vec2 in_corner;
in vec4 in_rect;
in vec4 in_extra;
in vec4 in_color;
in vec4 in_params;
uniform vec2 u_view;
noperspective out vec2 v_local;
flat out vec2 v_half;
noperspective out vec2 v_uv;
flat out vec4 v_extra;
flat out vec4 v_color;
flat out vec4 v_params;
void main() {
    vec2 p = in_rect.xy + in_corner * in_rect.zw;
    v_half = in_rect.zw * 0.5;
    v_local = (in_corner - 0.5) * in_rect.zw;
    v_uv = mix(in_extra.xy, in_extra.zw, in_corner);
    v_extra = in_extra;
    v_color = in_color;
    v_params = in_params;
    gl_Position = vec4(p.x / u_view.x * 2.0 - 1.0, 1.0 - p.y / u_view.y * 2.0, 0.0, 1.0);
}
"""

# Shapes: the same, drawn from a mesh whose vertices may lie inside the rect (kiosk/render/slices.py):
# in_inset moves a vertex in by the edge band's width, within which the distance field matters.
SHAPE_VERTEX = VERTEX.replace("in vec2 in_corner;", """in vec2 in_corner;
in vec2 in_inset;
uniform float u_px;""").replace("""    vec2 p = in_rect.xy + in_corner * in_rect.zw;
    v_half = in_rect.zw * 0.5;
    v_local = (in_corner - 0.5) * in_rect.zw;""", """    v_half = in_rect.zw * 0.5;
    float r = min(in_params.x, min(v_half.x, v_half.y));
    vec2 band = min(vec2(max(r, in_params.y) + 2.0 * u_px), v_half);  // full coverage inside it, within any border
    vec2 p = in_rect.xy + in_corner * in_rect.zw + in_inset * band;
    v_local = p - (in_rect.xy + v_half);""")

_SDF = """
uniform float u_px;
float sd_round_box(vec2 p, vec2 b, float r) {
    vec2 q = abs(p) - b + r;
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
}
float coverage(float radius) {
    float r = min(radius, min(v_half.x, v_half.y));
    return clamp(0.5 - sd_round_box(v_local, v_half, r) / u_px, 0.0, 1.0);
}
"""

_FRAGMENT_HEAD = """
#version 330
noperspective in vec2 v_local;
flat in vec2 v_half;
noperspective in vec2 v_uv;
flat in vec4 v_extra;
flat in vec4 v_color;
flat in vec4 v_params;
out vec4 f_color;
"""

SHAPE_FRAGMENT = _FRAGMENT_HEAD + _SDF + """
void main() {
    float r = min(v_params.x, min(v_half.x, v_half.y));
    float d = sd_round_box(v_local, v_half, r);
    float outer = clamp(0.5 - d / u_px, 0.0, 1.0);
    vec4 c = v_color;
    if (v_params.y > 0.0) {
        float inner = clamp(0.5 - (d + v_params.y) / u_px, 0.0, 1.0);
        c = mix(v_extra, v_color, inner);
    }
    float a = c.a * outer;
    if (a <= 0.0) discard;
    f_color = vec4(c.rgb * a, a);
}
"""

# A large shape's core, inside its edge band (kiosk/render/slices.py): what SHAPE_FRAGMENT gives there.
CORE_FRAGMENT = _FRAGMENT_HEAD + """
void main() {
    f_color = vec4(v_color.rgb * v_color.a, v_color.a);
}
"""

IMAGE_FRAGMENT = _FRAGMENT_HEAD + _SDF + """
uniform sampler2D u_atlas;
void main() {
    vec4 texel = texture(u_atlas, v_uv);  // premultiplied
    float mask = v_params.x > 0.0 ? coverage(v_params.x) : 1.0;
    f_color = texel * vec4(v_color.rgb, 1.0) * (v_color.a * mask);
}
"""

TEXT_FRAGMENT = _FRAGMENT_HEAD + """
uniform sampler2D u_atlas;
void main() {
    float a = texture(u_atlas, v_uv).r * v_color.a;
    f_color = vec4(v_color.rgb * a, a);
}
"""

# The baseline of the benchmark: one textured quad over the whole target, nothing else.
BARE_QUAD_VERTEX = """
#version 330
in vec2 in_corner;
out vec2 v_uv;
void main() {
    v_uv = in_corner;
    gl_Position = vec4(in_corner * 2.0 - 1.0, 0.0, 1.0);
}
"""

BARE_QUAD_FRAGMENT = """
#version 330
in vec2 v_uv;
uniform sampler2D u_texture;
out vec4 f_color;
void main() {
    f_color = texture(u_texture, v_uv);
}
"""

# A media stream's frame: BGRA rows, top first. Either a 2D texture (uploaded; read as RGBA
# through the texture swizzle) or a slot of a mapped ring read as a buffer texture
# (`mapped_frames`), filtered here like the 2D one: bilinear, wrapping across, clamped down.
# `u_exact`: the frame lands pixel for pixel on the target (a 1080p clip full screen at 1080p),
# so each pixel reads its one texel unfiltered — on llvmpipe about half the cost of a bilinear read.
# `u_bottom_up`: a 2D texture holding a screen-ready frame (`screen_copy`), rows bottom first.
_STREAM_TEXEL = """
uniform sampler2D u_atlas;
uniform samplerBuffer u_frame;
uniform int u_mapped;
uniform int u_exact;
uniform int u_bottom_up;
uniform ivec2 u_frame_size;
vec4 stream_texel(vec2 uv) {
    if (u_exact == 1) {
        ivec2 p = clamp(ivec2(uv * vec2(u_frame_size)), ivec2(0), u_frame_size - 1);
        p.y = u_bottom_up == 1 ? u_frame_size.y - 1 - p.y : p.y;  // the same texel as a top-first frame's
        return u_mapped == 0 ? texelFetch(u_atlas, p, 0) : texelFetch(u_frame, p.y * u_frame_size.x + p.x).bgra;
    }
    if (u_mapped == 0) {
        return textureGrad(u_atlas, u_bottom_up == 1 ? vec2(uv.x, 1.0 - uv.y) : uv, vec2(0.0), vec2(0.0));
    }
    // Selects, not integer modulo: llvmpipe runs integer division one lane at a time.
    int w = u_frame_size.x;
    vec2 t = uv * vec2(u_frame_size) - 0.5;
    vec2 f = fract(t);
    ivec2 i = ivec2(floor(t));
    int x0 = i.x < 0 ? i.x + w : (i.x >= w ? i.x - w : i.x);
    int x1 = x0 + 1 >= w ? 0 : x0 + 1;
    int r0 = clamp(i.y, 0, u_frame_size.y - 1) * w;
    int r1 = clamp(i.y + 1, 0, u_frame_size.y - 1) * w;
    vec4 top = mix(texelFetch(u_frame, r0 + x0), texelFetch(u_frame, r0 + x1), f.x);
    vec4 bottom = mix(texelFetch(u_frame, r1 + x0), texelFetch(u_frame, r1 + x1), f.x);
    return mix(top, bottom, f.y).bgra;
}
"""

VIDEO_FRAGMENT = _FRAGMENT_HEAD + _SDF + _STREAM_TEXEL + """
void main() {
    vec4 texel = stream_texel(v_uv);
    float mask = v_params.x > 0.0 ? coverage(v_params.x) : 1.0;
    float a = v_color.a * mask;
    f_color = vec4(texel.rgb * a, a);
}
"""

# Inside the sphere: each pixel's ray (yaw + right, pitch + up, vertical field of view in
# v_extra) looks up the equirectangular picture; u wraps around, yaw 0 is the picture's centre.
PANORAMA_FRAGMENT = _FRAGMENT_HEAD + _STREAM_TEXEL + """
const float PI = 3.14159265358979;
void main() {
    vec2 ndc = v_local / v_half;
    float fy = tan(radians(v_extra.z) * 0.5);
    float fx = fy * v_half.x / v_half.y;
    vec3 d = normalize(vec3(ndc.x * fx, -ndc.y * fy, -1.0));
    float p = radians(v_extra.y);
    float y = radians(v_extra.x);
    d = vec3(d.x, d.y * cos(p) - d.z * sin(p), d.y * sin(p) + d.z * cos(p));
    d = vec3(d.x * cos(y) - d.z * sin(y), d.y, d.x * sin(y) + d.z * cos(y));
    float lon = atan(d.x, -d.z);
    float lat = asin(clamp(d.y, -1.0, 1.0));
    vec2 uv = vec2(0.5 + lon / (2.0 * PI), 0.5 - lat / PI);
    vec4 texel = stream_texel(uv);
    f_color = vec4(texel.rgb * v_color.a, v_color.a);
}
"""

# The kept stage of a dissolve's end (render/backdrop.py), laid over the kept stage of its start at
# the dissolve's opacity: one texel read per pixel, pixel for pixel (the texture is the target's size).
FADE_VERTEX = BARE_QUAD_VERTEX  # a full-screen quad, texel for pixel

FADE_FRAGMENT = """
#version 330
in vec2 v_uv;
uniform sampler2D u_kept;
uniform float u_alpha;
out vec4 f_color;
void main() {
    f_color = texture(u_kept, v_uv) * u_alpha;
}
"""
