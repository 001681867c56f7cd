#pragma once
// Pixel conversions shared by the decoder, the preview and savePng. Internal.
#include <kiosk/scanner.hpp>

#include <cstdint>
#include <vector>

namespace kiosk::scanner {

/// A tightly packed 8-bit luminance image.
struct Gray {
    std::vector<uint8_t> px;
    int width = 0;
    int height = 0;
    const uint8_t* row(int y) const { return px.data() + static_cast<std::size_t>(y) * width; }
};

/// Luminance of any supported view (caller checked isValid).
Gray toGray(const FrameView& v);
/// Box-filter downscale by an integer factor (>= 2).
Gray downscale(const Gray& g, int factor);
/// Bilinear resize to an arbitrary size.
Gray resize(const Gray& g, int width, int height);
Gray inverted(const Gray& g);
Gray crop(const Gray& g, int x, int y, int w, int h);
/// Any view to RGBA32 into `out` (rows of `outStride` bytes).
void toRgba(const FrameView& v, uint8_t* out, int outStride);
/// Nearest-neighbour downscale to at most `maxWidth` wide, RGBA, optionally mirrored.
void previewRgba(const FrameView& v, int maxWidth, bool mirror, std::vector<uint8_t>& out, int& w, int& h);

}  // namespace kiosk::scanner
