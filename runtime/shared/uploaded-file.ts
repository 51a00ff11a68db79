/** `$ctx.$uploadedFile`: the shape Enfyra's upload middleware (multer) gives a script. */
export interface UploadedFile {
  originalname: string;
  mimetype: string;
  encoding: string;
  path: string;
  size: number;
  fieldname: string;
}
