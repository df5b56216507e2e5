// Photos taken on a phone, made ready to send: the photo's own time is read first from the
// original bytes (EXIF DateTimeOriginal, which the canvas drops), then the photo is shrunk on a
// canvas (longest side 1600 px, JPEG quality 0.8). The server keeps the time the browser read as
// the attachment's "taken at".
//
//   PortalPhoto.prepare(file) -> Promise of {blob, name, taken}
//     taken: "YYYY-MM-DDTHH:MM:SS" (the camera's wall time, no zone) or ""
//   A file that is not a decodable image is passed on as it is: the server says why it refuses it.
(function () {
  "use strict";

  const LONGEST = 1600;
  const QUALITY = 0.8;

  // EXIF inside a JPEG: APP1 "Exif\0\0", then a TIFF header, IFD0 -> the Exif IFD (tag 0x8769) ->
  // DateTimeOriginal (tag 0x9003, ASCII "YYYY:MM:DD HH:MM:SS"); IFD0's DateTime (0x0132) otherwise.
  function exifTime(buffer) {
    const view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) return "";
    let offset = 2;
    while (offset + 4 <= view.byteLength) {
      const marker = view.getUint16(offset);
      if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) return "";  // image data: no EXIF before it
      const size = view.getUint16(offset + 2);
      if (marker === 0xFFE1 && offset + 10 <= view.byteLength && view.getUint32(offset + 4) === 0x45786966) {
        return tiffTime(view, offset + 10, Math.min(view.byteLength, offset + 2 + size));
      }
      offset += 2 + size;
    }
    return "";
  }

  function tiffTime(view, start, end) {
    if (start + 8 > end) return "";
    const order = view.getUint16(start);
    if (order !== 0x4949 && order !== 0x4D4D) return "";
    const little = order === 0x4949;
    const u16 = function (at) { return view.getUint16(at, little); };
    const u32 = function (at) { return view.getUint32(at, little); };

    function entries(ifd) {  // {tag: [type, count, value offset]} of one IFD
      const found = {};
      const at = start + ifd;
      if (at + 2 > end) return found;
      const count = u16(at);
      for (let i = 0; i < count; i++) {
        const entry = at + 2 + i * 12;
        if (entry + 12 > end) break;
        found[u16(entry)] = [u16(entry + 2), u32(entry + 4), entry + 8];
      }
      return found;
    }

    function ascii(field) {
      if (!field || field[0] !== 2) return "";
      const count = field[1];
      const at = count > 4 ? start + u32(field[2]) : field[2];
      if (at + count > end) return "";
      let text = "";
      for (let i = 0; i < count; i++) {
        const c = view.getUint8(at + i);
        if (c === 0) break;
        text += String.fromCharCode(c);
      }
      return text;
    }

    const ifd0 = entries(u32(start + 4));
    let raw = "";
    if (ifd0[0x8769]) raw = ascii(entries(u32(ifd0[0x8769][2]))[0x9003]);
    if (!raw) raw = ascii(ifd0[0x0132]);
    const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
    return m ? m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6] : "";
  }

  function jpegName(name) {
    const stem = (name || "photo").replace(/\.[^.]*$/, "") || "photo";
    return stem + ".jpg";
  }

  async function shrink(file) {
    // createImageBitmap turns the photo upright from its EXIF orientation and needs no blob: URL
    // (which the Content-Security-Policy's img-src would refuse)
    const bitmap = await createImageBitmap(file, {imageOrientation: "from-image"});
    const scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    if (bitmap.close) bitmap.close();
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) { if (blob) resolve(blob); else reject(new Error("toBlob")); }, "image/jpeg", QUALITY);
    });
  }

  async function prepare(file) {
    const buffer = await file.arrayBuffer();
    let taken = "";
    try { taken = exifTime(buffer); } catch (error) { taken = ""; }
    try {
      return {blob: await shrink(file), name: jpegName(file.name), taken: taken};
    } catch (error) {
      return {blob: file, name: file.name, taken: taken};  // not an image we can draw: the server decides
    }
  }

  window.PortalPhoto = {prepare: prepare, exifTime: exifTime};
})();
