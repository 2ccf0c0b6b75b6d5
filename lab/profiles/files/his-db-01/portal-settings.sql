-- The HIS's own settings table, as HIS software keeps it (MaThamSo/GiaTri), with the portal
-- login in it; and the read-only account the facility gives hisguard (lab vault).
CREATE TABLE IF NOT EXISTS public.ht_thamso (
    id serial PRIMARY KEY,
    ma_tham_so character varying(100) NOT NULL UNIQUE,
    gia_tri character varying(500),
    mo_ta character varying(200)
);
INSERT INTO public.ht_thamso (ma_tham_so, gia_tri, mo_ta) VALUES
    ('MA_CSKCB', '@@facility_code@@', 'Mã cơ sở khám chữa bệnh'),
    ('USERNAME_BHXH', '@@portal_username@@', 'Tài khoản cổng giám định BHYT'),
    ('MATKHAU_BHXH', '@@portal_password@@', 'Mật khẩu cổng giám định BHYT'),
    ('URL_GIAMDINH', 'https://egw.baohiemxahoi.gov.vn', 'Địa chỉ cổng tiếp nhận'),
    ('SO_NGAY_LUU_XML', '30', 'Số ngày giữ tệp XML đã gửi')
ON CONFLICT (ma_tham_so) DO NOTHING;
ALTER TABLE public.ht_thamso OWNER TO his_app;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '@@his_db_user@@') THEN
    CREATE ROLE @@his_db_user@@ LOGIN;
  END IF;
END $$;
ALTER ROLE @@his_db_user@@ PASSWORD '@@his_db_password@@';
GRANT CONNECT ON DATABASE his TO @@his_db_user@@;
GRANT USAGE ON SCHEMA public TO @@his_db_user@@;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO @@his_db_user@@;
