// Pixel conversions. Plain loops: at 1280x720 a luminance pass costs ~1 ms, far below the
// decoder's own cost, so SIMD is not worth its complexity here.
#include "pixels.hpp"

#include <algorithm>

namespace kiosk::scanner {

namespace {

inline uint8_t lum(unsigned r, unsigned g, unsigned b) {
    return static_cast<uint8_t>((306 * r + 601 * g + 117 * b + 0x200) >> 10);
}
inline uint8_t clamp8(int v) {
    return static_cast<uint8_t>(std::clamp(v, 0, 255));
}

// YUYV pixel x of a row → RGB (BT.601, limited range as webcams send it).
inline void yuyvToRgb(const uint8_t* row, int x, uint8_t& r, uint8_t& g, uint8_t& b) {
    const uint8_t* p = row + (x / 2) * 4;
    const int y = (x % 2 ? p[2] : p[0]) - 16;
    const int u = p[1] - 128;
    const int v = p[3] - 128;
    const int c = 298 * y + 128;
    r = clamp8((c + 409 * v) >> 8);
    g = clamp8((c - 100 * u - 208 * v) >> 8);
    b = clamp8((c + 516 * u) >> 8);
}

}  // namespace

Gray toGray(const FrameView& v) {
    Gray g;
    g.width = v.width;
    g.height = v.height;
    g.px.resize(static_cast<std::size_t>(v.width) * v.height);
    for (int y = 0; y < v.height; ++y) {
        const uint8_t* s = v.data + static_cast<std::size_t>(y) * v.stride;
        uint8_t* d = g.px.data() + static_cast<std::size_t>(y) * v.width;
        switch (v.format) {
            case PixelFormat::Gray8:
                std::copy(s, s + v.width, d);
                break;
            case PixelFormat::RGB24:
                for (int x = 0; x < v.width; ++x) d[x] = lum(s[3 * x], s[3 * x + 1], s[3 * x + 2]);
                break;
            case PixelFormat::BGR24:
                for (int x = 0; x < v.width; ++x) d[x] = lum(s[3 * x + 2], s[3 * x + 1], s[3 * x]);
                break;
            case PixelFormat::RGBA32:
                for (int x = 0; x < v.width; ++x) d[x] = lum(s[4 * x], s[4 * x + 1], s[4 * x + 2]);
                break;
            case PixelFormat::BGRA32:
                for (int x = 0; x < v.width; ++x) d[x] = lum(s[4 * x + 2], s[4 * x + 1], s[4 * x]);
                break;
            case PixelFormat::YUYV:
                // Y is already luminance; the limited-range offset does not matter to a binarizer.
                for (int x = 0; x < v.width; ++x) d[x] = s[2 * x];
                break;
        }
    }
    return g;
}

Gray downscale(const Gray& g, int f) {
    Gray o;
    o.width = g.width / f;
    o.height = g.height / f;
    if (o.width < 1 || o.height < 1) return o;
    o.px.resize(static_cast<std::size_t>(o.width) * o.height);
    const int area = f * f;
    std::vector<unsigned> acc(o.width);
    for (int y = 0; y < o.height; ++y) {
        std::fill(acc.begin(), acc.end(), 0u);
        for (int dy = 0; dy < f; ++dy) {
            const uint8_t* s = g.row(y * f + dy);
            for (int x = 0; x < o.width; ++x) {
                unsigned sum = 0;
                for (int dx = 0; dx < f; ++dx) sum += s[x * f + dx];
                acc[x] += sum;
            }
        }
        uint8_t* d = o.px.data() + static_cast<std::size_t>(y) * o.width;
        for (int x = 0; x < o.width; ++x) d[x] = static_cast<uint8_t>(acc[x] / area);
    }
    return o;
}

Gray resize(const Gray& g, int w, int h) {
    Gray o;
    o.width = w;
    o.height = h;
    o.px.resize(static_cast<std::size_t>(w) * h);
    if (g.width < 1 || g.height < 1) return o;
    const double sx = static_cast<double>(g.width) / w, sy = static_cast<double>(g.height) / h;
    for (int y = 0; y < h; ++y) {
        double fy = std::max(0.0, (y + 0.5) * sy - 0.5);
        int y0 = std::min(static_cast<int>(fy), g.height - 1);
        int y1 = std::min(y0 + 1, g.height - 1);
        int wy = static_cast<int>((fy - y0) * 256);
        const uint8_t* r0 = g.row(y0);
        const uint8_t* r1 = g.row(y1);
        uint8_t* d = o.px.data() + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            double fx = std::max(0.0, (x + 0.5) * sx - 0.5);
            int x0 = std::min(static_cast<int>(fx), g.width - 1);
            int x1 = std::min(x0 + 1, g.width - 1);
            int wx = static_cast<int>((fx - x0) * 256);
            int top = r0[x0] * (256 - wx) + r0[x1] * wx;
            int bot = r1[x0] * (256 - wx) + r1[x1] * wx;
            d[x] = static_cast<uint8_t>((top * (256 - wy) + bot * wy) >> 16);
        }
    }
    return o;
}

Gray inverted(const Gray& g) {
    Gray o = g;
    for (auto& p : o.px) p = static_cast<uint8_t>(255 - p);
    return o;
}

Gray crop(const Gray& g, int x, int y, int w, int h) {
    x = std::clamp(x, 0, g.width);
    y = std::clamp(y, 0, g.height);
    w = std::clamp(w, 0, g.width - x);
    h = std::clamp(h, 0, g.height - y);
    Gray o;
    o.width = w;
    o.height = h;
    o.px.resize(static_cast<std::size_t>(w) * h);
    for (int r = 0; r < h; ++r)
        std::copy_n(g.row(y + r) + x, w, o.px.data() + static_cast<std::size_t>(r) * w);
    return o;
}

namespace {
inline void pixelRgb(const FrameView& v, const uint8_t* s, int x, uint8_t& r, uint8_t& g, uint8_t& b) {
    switch (v.format) {
        case PixelFormat::Gray8:
            r = g = b = s[x];
            break;
        case PixelFormat::RGB24:
            r = s[3 * x];
            g = s[3 * x + 1];
            b = s[3 * x + 2];
            break;
        case PixelFormat::BGR24:
            b = s[3 * x];
            g = s[3 * x + 1];
            r = s[3 * x + 2];
            break;
        case PixelFormat::RGBA32:
            r = s[4 * x];
            g = s[4 * x + 1];
            b = s[4 * x + 2];
            break;
        case PixelFormat::BGRA32:
            b = s[4 * x];
            g = s[4 * x + 1];
            r = s[4 * x + 2];
            break;
        case PixelFormat::YUYV:
            yuyvToRgb(s, x, r, g, b);
            break;
    }
}
}  // namespace

void toRgba(const FrameView& v, uint8_t* out, int outStride) {
    for (int y = 0; y < v.height; ++y) {
        const uint8_t* s = v.data + static_cast<std::size_t>(y) * v.stride;
        uint8_t* d = out + static_cast<std::size_t>(y) * outStride;
        for (int x = 0; x < v.width; ++x) {
            pixelRgb(v, s, x, d[4 * x], d[4 * x + 1], d[4 * x + 2]);
            d[4 * x + 3] = 255;
        }
    }
}

void previewRgba(const FrameView& v, int maxWidth, bool mirror, std::vector<uint8_t>& out, int& w, int& h) {
    int step = 1;
    while (maxWidth > 0 && v.width / step > maxWidth) ++step;
    w = v.width / step;
    h = v.height / step;
    out.resize(static_cast<std::size_t>(w) * h * 4);
    for (int y = 0; y < h; ++y) {
        const uint8_t* s = v.data + static_cast<std::size_t>(y) * step * v.stride;
        uint8_t* d = out.data() + static_cast<std::size_t>(y) * w * 4;
        for (int x = 0; x < w; ++x) {
            const int sx = (mirror ? (w - 1 - x) : x) * step;
            pixelRgb(v, s, sx, d[4 * x], d[4 * x + 1], d[4 * x + 2]);
            d[4 * x + 3] = 255;
        }
    }
}

}  // namespace kiosk::scanner
