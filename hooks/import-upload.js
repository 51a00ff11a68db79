// Keeps an uploaded CSV in storage and answers with what was stored.
//   enfyra-run hooks/import-upload.js --method POST --file fixtures/files/products.csv
const file = $ctx.$uploadedFile;
if (!file) $ctx.$throw['400']('send the CSV as the "file" field');
const stored = await $ctx.$storage.$upload({ file, filename: file.originalname, mimetype: file.mimetype });
const record = stored.data[0];
return { name: record.filename, type: record.mimetype, size: record.filesize };
