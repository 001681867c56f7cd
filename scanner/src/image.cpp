// Owned images and PNG/JPEG loading. libpng's simplified API does its own setjmp; libjpeg's
// error manager longjmps back into readJpeg(), whose frame holds only trivially destructible
// locals, so no C++ destructor is skipped.
#include "pixels.hpp"

#include <kiosk/scanner.hpp>

#include <jpeglib.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace kiosk::scanner {

int bytesPerPixel(PixelFormat f) {
    switch (f) {
        case PixelFormat::Gray8:
            return 1;
        case PixelFormat::RGB24:
        case PixelFormat::BGR24:
            return 3;
        case PixelFormat::RGBA32:
        case PixelFormat::BGRA32:
            return 4;
        case PixelFormat::YUYV:
            return 2;
    }
    return 0;
}

bool isValid(const FrameView& v) {
    const int bpp = bytesPerPixel(v.format);
    if (!v.data || bpp == 0) return false;
    if (v.width < 1 || v.height < 1 || v.width > 16384 || v.height > 16384) return false;
    if (v.format == PixelFormat::YUYV && (v.width % 2) != 0) return false;
    return v.stride >= v.width * bpp;
}

Image::Image(int width, int height, PixelFormat format)
    : m_pixels(static_cast<std::size_t>(width) * height * bytesPerPixel(format)),
      m_width(width),
      m_height(height),
      m_stride(width * bytesPerPixel(format)),
      m_format(format) {}

FrameView Image::view() const {
    return FrameView{m_pixels.data(), m_width, m_height, m_stride, m_format};
}

namespace {

// 40 megapixels: larger than any camera or phone screenshot we expect, small enough that a
// hostile header cannot make us allocate gigabytes.
constexpr unsigned long long kMaxPixels = 40'000'000ULL;

core::Error imageError(std::string code, std::string message) {
    return core::Error{std::move(code), std::move(message)};
}

core::Result<Image> readPng(const uint8_t* bytes, std::size_t size) {
    png_image img;
    std::memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, bytes, size))
        return imageError("image.decode", std::string("PNG header unreadable: ") + img.message);
    const bool gray = (img.format & PNG_FORMAT_FLAG_COLOR) == 0;
    // Transparent pixels are composited on white: screenshots of codes on transparent
    // backgrounds would otherwise turn black on black.
    img.format = gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    if (img.width == 0 || img.height == 0 || img.width > 16384 || img.height > 16384 ||
        static_cast<unsigned long long>(img.width) * img.height > kMaxPixels) {
        png_image_free(&img);
        return imageError("image.decode", "PNG size out of range (1..16384 per side)");
    }
    Image out(static_cast<int>(img.width), static_cast<int>(img.height),
              gray ? PixelFormat::Gray8 : PixelFormat::RGB24);
    png_color white{255, 255, 255};
    if (!png_image_finish_read(&img, &white, out.data(), out.stride(), nullptr)) {
        std::string msg = img.message;
        png_image_free(&img);
        return imageError("image.decode", "PNG data corrupt: " + msg);
    }
    return out;
}

struct JpegErr {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpegErrorExit(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<JpegErr*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}
void jpegSilence(j_common_ptr, int) {}

// Returns false and fills `message` on failure. `pixels` is owned by the caller so no C++
// object with a destructor lives in this frame across setjmp.
bool readJpeg(const uint8_t* bytes, std::size_t size, std::vector<uint8_t>& pixels, int& width, int& height,
              int& channels, char* message) {
    jpeg_decompress_struct cinfo;
    JpegErr err;
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpegErrorExit;
    err.mgr.emit_message = jpegSilence;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        std::strncpy(message, err.message, JMSG_LENGTH_MAX);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes, static_cast<unsigned long>(size));
    jpeg_read_header(&cinfo, TRUE);
    // Checked before start_decompress: a progressive JPEG allocates its whole coefficient
    // buffer there.
    if (static_cast<unsigned long long>(cinfo.image_width) * cinfo.image_height > kMaxPixels) {
        std::strncpy(message, "JPEG size out of range", JMSG_LENGTH_MAX);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_width == 0 || cinfo.output_height == 0 || cinfo.output_width > 16384 ||
        cinfo.output_height > 16384 ||
        static_cast<unsigned long long>(cinfo.output_width) * cinfo.output_height > kMaxPixels) {
        std::strncpy(message, "JPEG size out of range", JMSG_LENGTH_MAX);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    width = static_cast<int>(cinfo.output_width);
    height = static_cast<int>(cinfo.output_height);
    channels = cinfo.output_components;
    pixels.resize(static_cast<std::size_t>(width) * height * channels);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels.data() + static_cast<std::size_t>(cinfo.output_scanline) * width * channels;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return true;
}

}  // namespace

core::Result<Image> decodeImage(const uint8_t* bytes, std::size_t size) {
    if (!bytes || size < 4) return imageError("image.format", "empty or truncated image data");
    if (size >= 8 && png_sig_cmp(bytes, 0, 8) == 0) return readPng(bytes, size);
    if (bytes[0] == 0xFF && bytes[1] == 0xD8) {
        std::vector<uint8_t> pixels;
        int w = 0, h = 0, ch = 0;
        char msg[JMSG_LENGTH_MAX] = {0};
        if (!readJpeg(bytes, size, pixels, w, h, ch, msg))
            return imageError("image.decode", std::string("JPEG data corrupt: ") + msg);
        if (ch != 1 && ch != 3) return imageError("image.decode", "JPEG with unsupported channel count");
        Image out(w, h, ch == 1 ? PixelFormat::Gray8 : PixelFormat::RGB24);
        std::memcpy(out.data(), pixels.data(), pixels.size());
        return out;
    }
    return imageError("image.format", "not a PNG or JPEG file (convert it, e.g. with ImageMagick)");
}

core::Result<Image> loadImage(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return imageError("image.open", "cannot open " + path + ": check the path and permissions");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto r = decodeImage(bytes.data(), bytes.size());
    if (!r) return imageError(r.error().code, path + ": " + r.error().message);
    return r;
}

core::Status savePng(const FrameView& view, const std::string& path) {
    if (!isValid(view)) return core::Error{"image.write", "invalid frame view"};
    // Normalise to RGB24 or Gray8 first: libpng's simplified API has no YUYV.
    Image tmp;
    png_image img;
    std::memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = static_cast<png_uint_32>(view.width);
    img.height = static_cast<png_uint_32>(view.height);
    const uint8_t* data = view.data;
    int stride = view.stride;
    if (view.format == PixelFormat::Gray8) {
        img.format = PNG_FORMAT_GRAY;
    } else {
        tmp = Image(view.width, view.height, PixelFormat::RGBA32);
        toRgba(view, tmp.data(), tmp.stride());
        img.format = PNG_FORMAT_RGBA;
        data = tmp.data();
        stride = tmp.stride();
    }
    if (!png_image_write_to_file(&img, path.c_str(), 0, data, stride, nullptr))
        return core::Error{"image.write", "cannot write " + path + ": " + img.message};
    return {};
}

}  // namespace kiosk::scanner
