// libFuzzer target for the frame decoder entry: random dimensions, strides and pixel formats
// over random pixel data, plus the image loaders on the same bytes. Must never crash, hang or
// read outside the buffer. The view is built so that it stays inside the fuzzer's buffer when
// the declared geometry is consistent; inconsistent geometry (stride too small, odd YUYV width,
// unknown format, absurd sizes) must be refused by isValid() inside decode().
#include <kiosk/scanner.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

using namespace kiosk::scanner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 8) return 0;
    const int width = 1 + ((data[0] | (data[1] << 8)) % 512);
    const int height = 1 + ((data[2] | (data[3] << 8)) % 512);
    const int format = data[4] % 7;  // 6 formats + one invalid value
    const int padding = data[5] % 17;
    const int budgetMode = data[6] % 3;
    const uint8_t* pixels = data + 8;
    const size_t available = size - 8;

    const auto pf = static_cast<PixelFormat>(format);
    const int bpp = bytesPerPixel(pf);
    int stride = width * (bpp ? bpp : 1) + padding;
    int h = height;
    // Shrink the height to what the buffer holds, so a valid view never over-reads.
    if (static_cast<size_t>(stride) * h > available)
        h = stride > 0 ? static_cast<int>(available / stride) : 0;
    // Every few inputs, declare a stride smaller than a row: decode() must refuse it.
    if (data[7] % 11 == 0) stride = width * (bpp ? bpp : 1) - 1;

    static Decoder decoder;  // keeps its cost estimates across inputs, as in a live camera
    FrameView view{pixels, width, h, stride, pf};
    if (h > 0 || data[7] % 11 == 0) {
        DecodeBudget budget;
        if (budgetMode == 1) budget.thorough = true;
        if (budgetMode == 2) budget.time = std::chrono::microseconds(1);
        auto d = decoder.decode(view, budget);
        if (d && d->text.empty()) __builtin_trap();  // contract: a result always carries text
    }

    // The same bytes as an image file (PNG/JPEG magic may be in there).
    auto img = decodeImage(data, size);
    if (img.ok() && img->width() > 0) {
        if (!isValid(img->view())) __builtin_trap();
    }
    return 0;
}
