#pragma once
// Synthetic camera images for the scanner tests: codes rendered by ZXing's writer and warped the
// way a webcam sees them (scale, rotation, shear, blur, noise, low contrast, inversion, glare),
// and code-free images (noise, gradients, text-like marks, smooth "photos of nothing").
#include <kiosk/scanner.hpp>

#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace kiosk::scanner::test {

struct Distortion {
    double moduleSize = 4;  // camera pixels per QR module
    double angleDeg = 0;
    double shearX = 0;   // x += shearX * y: a sheet held tilted
    double squashY = 1;  // vertical foreshortening
    int blurRadius = 0;  // box blur, in pixels
    double noiseSigma = 0;
    int dark = 20, light = 235;  // module levels (low contrast: close together)
    bool invert = false;         // light modules on dark (phone dark mode)
    double glare = 0;            // 0..1 strength of a bright elliptical highlight
};

inline ZXing::BitMatrix encodeQr(const std::string& text) {
    ZXing::MultiFormatWriter w(ZXing::BarcodeFormat::QRCode);
    w.setMargin(0);
    const bool ascii =
        std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii) w.setEncoding(ZXing::CharacterSet::UTF8);  // with an ECI, as phone apps do
    return w.encode(text, 0, 0);
}

/// Renders `text` as a QR code onto a w x h gray frame with a textured background.
inline Image renderCode(const std::string& text, const Distortion& d, int w = 1280, int h = 720,
                        unsigned seed = 1) {
    const ZXing::BitMatrix m = encodeQr(text);
    const int n = m.width();
    std::mt19937 rng(seed);
    Image img(w, h, PixelFormat::Gray8);
    const double a = d.angleDeg * M_PI / 180.0;
    const double ca = std::cos(a), sa = std::sin(a);
    const double cx = w / 2.0, cy = h / 2.0;
    const int quiet = 4;  // modules of quiet zone (the paper around the code)
    const double half = (n / 2.0 + quiet);
    const int dark = d.invert ? d.light : d.dark, light = d.invert ? d.dark : d.light;
    std::normal_distribution<double> noise(0, d.noiseSigma > 0 ? d.noiseSigma : 1);
    std::vector<double> buf(static_cast<std::size_t>(w) * h);
    // 2x2 supersampling so edges are antialiased like a real sensor.
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double acc = 0;
            for (int sy = 0; sy < 2; ++sy)
                for (int sx = 0; sx < 2; ++sx) {
                    double px = x + 0.25 + 0.5 * sx - cx, py = y + 0.25 + 0.5 * sy - cy;
                    // camera → code plane: undo squash, shear, rotation, scale
                    py /= d.squashY;
                    px -= d.shearX * py;
                    const double u = (ca * px + sa * py) / d.moduleSize;
                    const double v = (-sa * px + ca * py) / d.moduleSize;
                    double val;
                    if (std::abs(u) < half && std::abs(v) < half) {
                        const int mx = static_cast<int>(std::floor(u + n / 2.0));
                        const int my = static_cast<int>(std::floor(v + n / 2.0));
                        const bool on = mx >= 0 && my >= 0 && mx < n && my < n && m.get(mx, my);
                        val = on ? dark : light;
                    } else {
                        // background: a mid-grey table with slow shading
                        val = 100 + 40 * std::sin(x * 0.013 + seed) * std::cos(y * 0.011);
                    }
                    acc += val;
                }
            buf[static_cast<std::size_t>(y) * w + x] = acc / 4;
        }
    if (d.blurRadius > 0) {
        std::vector<double> tmp(buf.size());
        const int r = d.blurRadius;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                double s = 0;
                for (int k = -r; k <= r; ++k)
                    s += buf[static_cast<std::size_t>(y) * w + std::clamp(x + k, 0, w - 1)];
                tmp[static_cast<std::size_t>(y) * w + x] = s / (2 * r + 1);
            }
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                double s = 0;
                for (int k = -r; k <= r; ++k)
                    s += tmp[static_cast<std::size_t>(std::clamp(y + k, 0, h - 1)) * w + x];
                buf[static_cast<std::size_t>(y) * w + x] = s / (2 * r + 1);
            }
    }
    const double gx = cx + d.moduleSize * n * 0.2, gy = cy - d.moduleSize * n * 0.15;
    const double gr = d.moduleSize * n * 0.35;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double v = buf[static_cast<std::size_t>(y) * w + x];
            if (d.glare > 0) {
                const double dx = (x - gx) / gr, dy = (y - gy) / (gr * 0.6);
                const double g = std::exp(-(dx * dx + dy * dy) * 1.5);
                v = v + (255 - v) * d.glare * g;  // a highlight washes toward white
            }
            if (d.noiseSigma > 0) v += noise(rng);
            img.data()[static_cast<std::size_t>(y) * w + x] = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
        }
    return img;
}

enum class Clutter { Noise, Gradient, TextLike, Blobs, Stripes, Checker };

/// Images that contain no code at all.
inline Image renderClutter(Clutter kind, int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    Image img(w, h, PixelFormat::Gray8);
    uint8_t* p = img.data();
    std::uniform_int_distribution<int> byte(0, 255);
    switch (kind) {
        case Clutter::Noise:
            for (int i = 0; i < w * h; ++i) p[i] = static_cast<uint8_t>(byte(rng));
            break;
        case Clutter::Gradient:
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    p[y * w + x] = static_cast<uint8_t>((x * 255 / w + y * 128 / h) % 256);
            break;
        case Clutter::TextLike: {
            // Lines of "words": dark glyph-sized boxes and bars on paper, like a printed letter.
            for (int i = 0; i < w * h; ++i) p[i] = 230;
            std::uniform_int_distribution<int> glyph(4, 12);
            for (int line = 20; line + 20 < h; line += 26)
                for (int x = 20; x + 14 < w;) {
                    const int gw = glyph(rng), gh = 10 + glyph(rng) / 2;
                    if (rng() % 7 == 0) {
                        x += 12;
                        continue;
                    }  // word gap
                    for (int yy = line; yy < line + gh && yy < h; ++yy)
                        for (int xx = x; xx < x + gw; ++xx)
                            if ((rng() % 5) != 0 &&
                                (xx - x < 2 || yy - line < 2 || xx - x > gw - 3 || rng() % 3 == 0))
                                p[yy * w + xx] = 25;
                    x += gw + 2;
                }
            break;
        }
        case Clutter::Blobs: {
            // Smooth random shapes: a "photo of nothing" (a hand, a face, a wall).
            std::vector<std::array<double, 4>> blobs;
            blobs.reserve(12);
            std::uniform_real_distribution<double> u(0, 1);
            for (int i = 0; i < 12; ++i)
                blobs.push_back({u(rng) * w, u(rng) * h, 30 + u(rng) * 200, u(rng) * 160 - 80});
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) {
                    double v = 120;
                    for (auto& b : blobs) {
                        const double dx = x - b[0], dy = y - b[1];
                        v += b[3] * std::exp(-(dx * dx + dy * dy) / (b[2] * b[2]));
                    }
                    p[y * w + x] = static_cast<uint8_t>(std::clamp(v + (byte(rng) - 128) / 16.0, 0.0, 255.0));
                }
            break;
        }
        case Clutter::Stripes: {
            // A 1D-barcode-like stripe field (Code 128 on a ticket is not a QR code).
            int x = 0;
            while (x < w) {
                const int bw = 1 + static_cast<int>(rng() % 4);
                const bool dark = (rng() % 2) == 0;
                for (int y = 0; y < h; ++y)
                    for (int k = 0; k < bw && x + k < w; ++k) p[y * w + x + k] = dark ? 20 : 235;
                x += bw;
            }
            break;
        }
        case Clutter::Checker: {
            const int cell = 3 + static_cast<int>(seed % 9);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) p[y * w + x] = (((x / cell) + (y / cell)) % 2) ? 20 : 235;
            break;
        }
    }
    return img;
}

}  // namespace kiosk::scanner::test
