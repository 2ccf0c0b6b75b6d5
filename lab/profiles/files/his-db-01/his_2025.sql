--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE TABLE public.cau_hinh_bhxh (
    id integer NOT NULL,
    ma_cskcb character varying(5) NOT NULL,
    username_bhxh character varying(50),
    password_bhxh character varying(100),
    ngay_cap_nhat timestamp without time zone
);

CREATE TABLE public.nhan_vien (
    id integer NOT NULL,
    ho_ten character varying(100),
    api_bhxh_username character varying(50),
    api_bhxh_password character varying(100)
);

COPY public.cau_hinh_bhxh (id, ma_cskcb, username_bhxh, password_bhxh, ngay_cap_nhat) FROM stdin;
1	@@facility_code@@	@@portal_username@@	@@portal_password@@	2025-01-15 08:00:00
\.

INSERT INTO public.nhan_vien (id, ho_ten, api_bhxh_username, api_bhxh_password) VALUES (1, 'Nguyễn Thị Hoa', '@@portal_username@@', '@@portal_md5_upper@@');

--
-- PostgreSQL database dump complete
--
