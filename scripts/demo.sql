-- A small sample database for `make run`: a shop with customers, products,
-- orders, a view, a function and a few hundred rows.
CREATE SCHEMA shop;
COMMENT ON SCHEMA shop IS 'Sample data for trying Tusk';

CREATE TABLE shop.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    country char(2) NOT NULL DEFAULT 'DE',
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE shop.customers IS 'People who buy things';

CREATE TABLE shop.products (
    id serial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    title text NOT NULL,
    price numeric(10, 2) NOT NULL CHECK (price >= 0),
    tags text[] NOT NULL DEFAULT '{}',
    attributes jsonb
);

CREATE TYPE shop.order_status AS ENUM ('open', 'paid', 'shipped', 'cancelled');

CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id),
    status shop.order_status NOT NULL DEFAULT 'open',
    ordered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer ON shop.orders (customer_id);

CREATE TABLE shop.order_items (
    order_id bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
    product_id int NOT NULL REFERENCES shop.products (id),
    quantity int NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);

CREATE VIEW shop.order_totals AS
SELECT o.id AS order_id, c.email, o.status, sum(i.quantity * p.price) AS total
FROM shop.orders o
JOIN shop.customers c ON c.id = o.customer_id
JOIN shop.order_items i ON i.order_id = o.id
JOIN shop.products p ON p.id = i.product_id
GROUP BY o.id, c.email, o.status;

CREATE FUNCTION shop.customer_spend(p_customer bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(t.total), 0) FROM shop.order_totals t
    JOIN shop.customers c ON c.email = t.email WHERE c.id = p_customer
$$;

INSERT INTO shop.customers (email, name, country)
SELECT format('customer%s@example.com', g), format('Customer %s', g), (ARRAY['DE','FR','NL','US','JP'])[1 + g % 5]
FROM generate_series(1, 200) g;

INSERT INTO shop.products (sku, title, price, tags, attributes)
SELECT format('SKU-%s', g), format('Product %s', g), round((random() * 100)::numeric, 2),
       ARRAY['tag' || (g % 7)], jsonb_build_object('weight_g', g * 10, 'colour', (ARRAY['red','green','blue'])[1 + g % 3])
FROM generate_series(1, 50) g;

INSERT INTO shop.orders (customer_id, status)
SELECT 1 + (g % 200), (ARRAY['open','paid','shipped','cancelled']::shop.order_status[])[1 + g % 4]
FROM generate_series(1, 500) g;

INSERT INTO shop.order_items (order_id, product_id, quantity)
SELECT o.id, 1 + ((o.id * 7 + k) % 50), 1 + (k % 3)
FROM shop.orders o, generate_series(0, 2) k
ON CONFLICT DO NOTHING;

ANALYZE;
